package org.neurosweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens an HTML file in Debian's headless Chromium with the network off (every host name resolves to nothing, and a
 * proxy that does not exist takes any request): takes a screenshot, collects the console's messages (a blocked load,
 * a script error), and measures each chart's drawn marks with an injected script (on a copy whose security policy
 * allows that one inline script; the report itself has none).
 */
final class HeadlessChromium {

    /** What the browser saw: console messages, the screenshot, and per chart its title, declared and drawn marks. */
    record Rendering(List<String> console, BufferedImage screenshot, List<ChartMarks> charts) {
    }

    record ChartMarks(String title, int declared, int drawn) {
    }

    private static final String CHECK = """
            <script>
            const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
              const vb = svg.viewBox.baseVal;
              const drawn = [...svg.querySelectorAll('.mark')].filter(m => {
                const b = m.getBBox();
                return (b.width > 0 || b.height > 0) && b.x >= 0 && b.y >= 0 && b.x <= vb.width && b.y <= vb.height;
              }).length;
              return {title: svg.getAttribute('aria-label'), declared: Number(svg.dataset.marks), drawn: drawn};
            });
            const pre = document.createElement('pre');
            pre.id = 'ns-check';
            pre.textContent = JSON.stringify(charts);
            document.body.appendChild(pre);
            </script>""";
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\] (.*)");
    private static final Pattern RESULT = Pattern.compile("<pre id=\"ns-check\">([^<]*)</pre>");

    private HeadlessChromium() {
    }

    /** The browser binary, if installed. */
    static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static Rendering render(Path chromium, Path html, Path work) throws Exception {
        Path png = work.resolve("screenshot.png");
        List<String> console = new ArrayList<>(run(chromium, work, "--screenshot=" + png, "--window-size=1400,2000", html).console());
        String page = Files.readString(html, StandardCharsets.UTF_8)
                .replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
                .replace("</body>", CHECK + "</body>");
        Path checked = work.resolve("checked.html");
        Files.writeString(checked, page, StandardCharsets.UTF_8);
        Output dom = run(chromium, work, "--dump-dom", null, checked);
        console.addAll(dom.console());
        Matcher m = RESULT.matcher(dom.stdout());
        if (!m.find()) {
            throw new AssertionError("the check script left no result; console: " + console);
        }
        List<ChartMarks> charts = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(m.group(1).replace("&quot;", "\"").replace("&amp;", "&"))) {
            charts.add(new ChartMarks(c.get("title").asText(), c.get("declared").asInt(), c.get("drawn").asInt()));
        }
        return new Rendering(console, ImageIO.read(png.toFile()), charts);
    }

    private record Output(String stdout, List<String> console) {
    }

    private static Output run(Path chromium, Path work, String mode, String windowSize, Path html)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + work.resolve("profile"),
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                "--enable-logging=stderr", "--v=0", mode));
        if (windowSize != null) {
            cmd.add(windowSize);
        }
        cmd.add(html.toUri().toString());
        Path stdout = work.resolve("stdout.txt");
        Path stderr = work.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 2 minutes: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ":\n" + Files.readString(stderr));
        }
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
            Matcher m = CONSOLE.matcher(line);
            if (m.find()) {
                console.add(m.group(1));
            }
        }
        return new Output(Files.readString(stdout, StandardCharsets.UTF_8), console);
    }
}
