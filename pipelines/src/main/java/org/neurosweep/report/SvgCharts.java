package org.neurosweep.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws {@link Chart}s as inline SVG (no script, no external resource). Every drawn value is an element of class
 * {@code mark} with a {@code <title>} tooltip giving its exact value; each {@code <svg>} carries {@code class="chart"}
 * and {@code data-marks} (the number of marks), which the report's browser test checks.
 */
public final class SvgCharts {

    /** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
    private static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
    /** Viridis at five stops, for heat maps (low to high). */
    private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    /** Blue, white, red (ColorBrewer RdBu ends): heat maps of signed values, white at 0. */
    private static final int[][] DIVERGING = {{33, 102, 172}, {247, 247, 247}, {178, 24, 43}};

    private static final int WIDTH = 660;
    private static final int HEIGHT = 340;
    private static final int LEFT = 64;
    private static final int RIGHT = 170;
    private static final int TOP = 46;
    private static final int BOTTOM = 48;

    private SvgCharts() {
    }

    public static String render(Chart chart) {
        if (chart instanceof Chart.Line l) {
            return line(l);
        }
        return chart instanceof Chart.Bars b ? bars(b) : heatmap((Chart.Heatmap) chart);
    }

    // ---- line charts

    private static String line(Chart.Line c) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Chart.Series s : c.series()) {
            for (int i = 0; i < s.x().length; i++) {
                if (drawable(s.x()[i], c.logX()) && Double.isFinite(s.y()[i])) {
                    xs.add(xValue(s.x()[i], c.logX()));
                    ys.add(s.y()[i]);
                }
            }
        }
        c.markers().forEach(m -> xs.add(xValue(m.x(), c.logX())));
        Scale x = Scale.of(xs, LEFT, WIDTH - RIGHT, false);
        Scale y = Scale.of(ys, HEIGHT - BOTTOM, TOP, false);
        StringBuilder body = new StringBuilder();
        axes(body, x, y, c.xLabel(), c.yLabel(), c.logX());
        int marks = 0;
        for (Chart.Marker m : c.markers()) {
            double px = x.map(xValue(m.x(), c.logX()));
            body.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#888' stroke-dasharray='4 3'/>"
                    + "<text x='%.1f' y='%d' font-size='10' fill='#555' text-anchor='middle'>%s</text>",
                    px, TOP, px, HEIGHT - BOTTOM, px, TOP - 4, esc(m.label())));
        }
        for (int s = 0; s < c.series().size(); s++) {
            Chart.Series series = c.series().get(s);
            String colour = PALETTE[s % PALETTE.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < series.x().length; i++) {
                double xv = series.x()[i];
                double yv = series.y()[i];
                if (!drawable(xv, c.logX()) || !Double.isFinite(yv)) {
                    pen = false;
                    continue;
                }
                double px = x.map(xValue(xv, c.logX()));
                double py = y.map(yv);
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", px, py));
                pen = true;
                body.append(String.format(Locale.ROOT, "<circle class='mark' cx='%.1f' cy='%.1f' r='3' fill='%s'><title>%s: %s, %s</title></circle>",
                        px, py, colour, esc(series.name()), fmt(xv), fmt(yv)));
                marks++;
            }
            if (!path.isEmpty()) {
                body.append("<path d='").append(path.toString().trim()).append("' fill='none' stroke='").append(colour)
                        .append("' stroke-width='1.8'/>");
            }
        }
        legend(body, c.series().stream().map(Chart.Series::name).toList());
        return svg("line", c.title(), marks, HEIGHT, body);
    }

    private static boolean drawable(double x, boolean log) {
        return Double.isFinite(x) && (!log || x > 0);
    }

    private static double xValue(double x, boolean log) {
        return log ? Math.log10(x) : x;
    }

    // ---- grouped bars

    private static String bars(Chart.Bars c) {
        List<Double> vs = new ArrayList<>(List.of(0.0));
        for (double[] row : c.values()) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    vs.add(v);
                }
            }
        }
        Scale y = Scale.of(vs, HEIGHT - BOTTOM, TOP, true);
        StringBuilder body = new StringBuilder();
        axes(body, null, y, null, c.yLabel(), false);
        int groups = c.categories().size();
        double band = (double) (WIDTH - RIGHT - LEFT) / Math.max(1, groups);
        int longest = c.categories().stream().mapToInt(String::length).max().orElse(0);
        boolean slanted = longest * 6.5 > band; // labels wider than their group are drawn at 35 degrees below the axis
        int height = slanted ? HEIGHT + (int) Math.min(110, longest * 4.2) : HEIGHT;
        double barWidth = band * 0.8 / Math.max(1, c.series().size());
        int marks = 0;
        for (int g = 0; g < groups; g++) {
            double x0 = LEFT + g * band + band * 0.1;
            double cx = LEFT + (g + 0.5) * band;
            body.append(slanted
                    ? String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='end' transform='rotate(-35 %.1f %d)'>%s</text>",
                            cx, HEIGHT - BOTTOM + 14, cx, HEIGHT - BOTTOM + 14, esc(c.categories().get(g)))
                    : String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                            cx, HEIGHT - BOTTOM + 16, esc(c.categories().get(g))));
            for (int s = 0; s < c.series().size(); s++) {
                double v = c.values()[s][g];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double top = y.map(Math.max(v, 0));
                double bottom = y.map(Math.min(v, 0));
                body.append(String.format(Locale.ROOT, "<rect class='mark' x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
                                + "<title>%s, %s: %s</title></rect>", x0 + s * barWidth, top, Math.max(barWidth - 1, 1),
                        Math.max(bottom - top, 0.5), PALETTE[s % PALETTE.length], esc(c.categories().get(g)),
                        esc(c.series().get(s)), fmt(v)));
                marks++;
            }
        }
        legend(body, c.series());
        return svg("bars", c.title(), marks, height, body);
    }

    // ---- heat maps

    private static String heatmap(Chart.Heatmap c) {
        int rows = c.rows().size();
        int cols = c.columns().size();
        int labelWidth = 8 + 7 * c.rows().stream().mapToInt(String::length).max().orElse(4);
        int left = Math.max(LEFT, labelWidth);
        double cellW = (double) (WIDTH - RIGHT - left) / Math.max(1, cols);
        double cellH = Math.min(28, Math.max(10, 360.0 / Math.max(1, rows)));
        int height = (int) Math.ceil(TOP + rows * cellH + BOTTOM);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] r : c.values()) {
            for (double v : r) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        // values of both signs (a change, a correlation) get the diverging scale, symmetric about 0
        boolean diverging = lo < 0 && hi > 0;
        if (diverging) {
            hi = Math.max(hi, -lo);
            lo = -hi;
        }
        int[][] stops = diverging ? DIVERGING : VIRIDIS;
        StringBuilder body = new StringBuilder();
        int marks = 0;
        int every = Math.max(1, (int) Math.ceil(cols / 16.0));
        for (int j = 0; j < cols; j += every) {
            body.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='10' text-anchor='middle'>%s</text>",
                    left + (j + 0.5) * cellW, TOP + rows * cellH + 13, esc(c.columns().get(j))));
        }
        for (int i = 0; i < rows; i++) {
            double py = TOP + i * cellH;
            body.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='10' text-anchor='end' dominant-baseline='middle'>%s</text>",
                    left - 4, py + cellH / 2, esc(c.rows().get(i))));
            for (int j = 0; j < cols; j++) {
                double v = c.values()[i][j];
                double px = left + j * cellW;
                if (!Double.isFinite(v)) {
                    body.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#eee'/>",
                            px, py, cellW, cellH));
                    continue;
                }
                body.append(String.format(Locale.ROOT, "<rect class='mark' x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
                                + "<title>%s, %s: %s</title></rect>", px, py, cellW + 0.3, cellH + 0.3,
                        colour(stops, hi > lo ? (v - lo) / (hi - lo) : 0.5), esc(c.rows().get(i)), esc(c.columns().get(j)), fmt(v)));
                marks++;
            }
        }
        body.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%s</text>",
                left + cols * cellW / 2, TOP + rows * cellH + 32, esc(c.xLabel())));
        body.append(String.format(Locale.ROOT, "<text x='12' y='%d' font-size='11' fill='#444'>%s</text>", TOP - 8, esc(c.yLabel())));
        if (marks > 0) {
            double sx = WIDTH - RIGHT + 24;
            for (int k = 0; k < 20; k++) {
                body.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='14' height='6' fill='%s'/>",
                        sx, TOP + (19 - k) * 6.0, colour(stops, k / 19.0)));
            }
            body.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='10'>%s</text><text x='%.1f' y='%d' font-size='10'>%s</text>",
                    sx + 18, TOP + 6, fmt(hi), sx + 18, TOP + 120, fmt(lo)));
        }
        return svg("heatmap", c.title(), marks, height, body);
    }

    /** The colour at {@code t} in [0, 1] of a scale interpolated linearly between evenly spaced {@code stops}. */
    private static String colour(int[][] stops, double t) {
        double u = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        int k = Math.min((int) u, stops.length - 2);
        double f = u - k;
        int[] a = stops[k];
        int[] b = stops[k + 1];
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(a[0] + f * (b[0] - a[0])),
                Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2])));
    }

    // ---- shared parts

    private static void axes(StringBuilder body, Scale x, Scale y, String xLabel, String yLabel, boolean logX) {
        body.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        body.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (double t : y.ticks()) {
            double py = y.map(t);
            body.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#e3e3e3'/>"
                    + "<text x='%d' y='%.1f' font-size='10' text-anchor='end' dominant-baseline='middle'>%s</text>",
                    LEFT, py, WIDTH - RIGHT, py, LEFT - 5, py, fmt(t)));
        }
        if (x != null) {
            for (double t : x.ticks()) {
                if (logX && x.hi() - x.lo() >= 1 && Math.abs(t - Math.rint(t)) > 1e-6) {
                    continue; // a log axis spanning a decade or more is labelled at powers of ten only
                }
                double px = x.map(t);
                body.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#333'/>"
                        + "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%s</text>",
                        px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 4, px, HEIGHT - BOTTOM + 15, logX ? fmt(Math.pow(10, t)) : fmt(t)));
            }
            body.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 10, esc(xLabel + (logX ? " (log scale)" : ""))));
        }
        body.append(String.format(Locale.ROOT, "<text x='12' y='%d' font-size='11' fill='#444'>%s</text>", TOP - 14, esc(yLabel)));
    }

    private static void legend(StringBuilder body, List<String> names) {
        for (int s = 0; s < names.size(); s++) {
            int y = TOP + 8 + 16 * s;
            body.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='10' fill='%s'/><text x='%d' y='%d' font-size='11'>%s</text>",
                    WIDTH - RIGHT + 14, y - 8, PALETTE[s % PALETTE.length], WIDTH - RIGHT + 30, y + 1, esc(names.get(s))));
        }
    }

    private static String svg(String kind, String title, int marks, int height, StringBuilder body) {
        return String.format(Locale.ROOT, "<svg class='chart' data-kind='%s' data-marks='%d' xmlns='http://www.w3.org/2000/svg' "
                + "width='%d' height='%d' viewBox='0 0 %d %d' role='img' aria-label='%s'>"
                + "<text x='%d' y='16' font-size='13' font-weight='bold'>%s</text>%s</svg>",
                kind, marks, WIDTH, height, WIDTH, height, esc(title), LEFT, esc(title), body);
    }

    /** A number in at most four significant digits, without trailing zeros. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v != 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }

    /** A linear map of the data range (padded, with round ticks) onto pixels {@code [from, to]}. */
    private record Scale(double lo, double hi, double from, double to, double step) {

        static Scale of(List<Double> values, double from, double to, boolean zeroBased) {
            double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            if (hi - lo < 1e-12) {
                double pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 0.5;
                lo -= pad;
                hi += pad;
            } else if (!zeroBased) {
                double pad = (hi - lo) * 0.05;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / 5);
            if (zeroBased) {
                hi = Math.ceil(hi / step) * step;
                lo = Math.floor(lo / step) * step;
            }
            return new Scale(lo, hi, from, to, step);
        }

        double map(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
                ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
            }
            return ticks;
        }

        private static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / p;
            return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
        }
    }
}
