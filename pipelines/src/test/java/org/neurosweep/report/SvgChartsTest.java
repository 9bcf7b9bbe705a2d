package org.neurosweep.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgChartsTest {

    private static int count(String svg, String what) {
        return svg.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void aLineLeavesNaNPointsOutAndBreaksTheCurveThere() {
        Chart.Line line = new Chart.Line("curve <1>", "layer", "acc", List.of(
                new Chart.Series("a&b", new double[] {0, 1, 2, 3}, new double[] {0.1, Double.NaN, 0.3, 0.4})));
        String svg = SvgCharts.render(line);
        assertTrue(svg.startsWith("<svg class='chart' data-kind='line' data-marks='3'"), svg);
        assertEquals(3, count(svg, "class='mark'"));
        assertEquals(2, count(svg, "M"), "two pieces of path around the NaN: " + svg);
        assertTrue(svg.contains("aria-label='curve &lt;1&gt;'") && svg.contains("<title>a&amp;b: 3, 0.4</title>"), svg);
    }

    @Test
    void aLogAxisDropsNonPositiveXAndMarkersAreDrawn() {
        Chart.Line line = new Chart.Line("ppl", "step", "ppl", List.of(new Chart.Series("d", new double[] {0, 100, 1000},
                new double[] {9, 5, 3})), List.of(new Chart.Marker(300, "t50")), true);
        String svg = SvgCharts.render(line);
        assertTrue(svg.contains("data-marks='2'"), svg);
        assertTrue(svg.contains(">t50</text>") && svg.contains("step (log scale)"), svg);
    }

    @Test
    void barsAndHeatmapsMarkOnlyFiniteValues() {
        Chart.Bars bars = new Chart.Bars("acc", "accuracy", List.of("en", "fr"), List.of("base", "lrp2"),
                new double[][] {{0.5, Double.NaN}, {0.6, -0.1}});
        assertTrue(SvgCharts.render(bars).contains("data-marks='3'"));
        Chart.Heatmap map = new Chart.Heatmap("grid", "j", "i", List.of("1", "2"), List.of("a"), new double[][] {{Double.NaN, 2}});
        String svg = SvgCharts.render(map);
        assertTrue(svg.contains("data-marks='1'") && svg.contains("fill='#eee'"), svg);
        assertTrue(map.hasData());
        assertFalse(new Chart.Heatmap("e", "j", "i", List.of("1"), List.of("a"), new double[][] {{Double.NaN}}).hasData());
        var e = assertThrows(IllegalArgumentException.class, () -> new Chart.Bars("b", "y", List.of("x"), List.of("s"), new double[][] {{1, 2}}));
        assertEquals("b: 2 values for 1 categories", e.getMessage());
    }

    @Test
    void signedHeatmapsUseADivergingScaleWhiteAtZero() {
        // -1 and 1 take the scale's ends (blue, red), 0 its white middle; one-signed values keep viridis
        String signed = SvgCharts.render(new Chart.Heatmap("shift", "j", "i", List.of("1", "2", "3"), List.of("a"),
                new double[][] {{-1, 0, 0.5}}));
        assertTrue(signed.contains("fill='#2166ac'><title>a, 1: -1</title>"), signed);
        assertTrue(signed.contains("fill='#f7f7f7'><title>a, 2: 0</title>"), signed);
        assertTrue(signed.contains(">1</text>") && signed.contains(">-1</text>"), "the legend is symmetric: " + signed);
        String positive = SvgCharts.render(new Chart.Heatmap("usage", "j", "i", List.of("1", "2"), List.of("a"), new double[][] {{0, 1}}));
        assertTrue(positive.contains("fill='#440154'><title>a, 1: 0</title>") && positive.contains("fill='#fde725'><title>a, 2: 1</title>"),
                positive);
    }

    @Test
    void numbersPrintInFourSignificantDigits() {
        assertEquals("20.09", SvgCharts.fmt(Math.exp(3)));
        assertEquals("0.5", SvgCharts.fmt(0.5));
        assertEquals("6000", SvgCharts.fmt(6000));
        assertEquals("1.23e+07", SvgCharts.fmt(12_345_678));
        assertEquals("0", SvgCharts.fmt(0));
    }
}
