package dev.rlo.runtime.out;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Panels of lines, bands or histograms on one PNG, drawn with Java2D, headless: a run's
 * {@code curve.png} ({@link Curve}), a sweep's {@code curves.png} and the REPL's {@code :plot}. The
 * first panel spans the width; the others follow below it, two to a row, at half its size.
 */
public final class Chart {

    /** What one panel draws. */
    public sealed interface Panel permits Lines, Bands, Histogram {
        String title();
    }

    /**
     * y against x: the points thin and light, and their trailing moving average over {@code smooth}
     * points bold (1: the points themselves, bold). The x axis runs from 0 to at least {@code xEnd};
     * the y axis covers at least {@code yAtLeast} ({lo, hi}; null: the points' range). {@code empty}
     * is shown when there are no points.
     */
    public record Lines(String title, String xLabel, String yLabel, List<double[]> points, int smooth, double xEnd,
                        double[] yAtLeast, String empty) implements Panel { }

    /**
     * Several series against shared xs, each a mean line over a translucent band from {@code lo} to
     * {@code hi} (NaN where unknown), in {@link #PALETTE}'s colours, with a legend; the x axis from 0
     * to {@code xEnd}. {@code empty} is shown when there is no series.
     */
    public record Bands(String title, String xLabel, String yLabel, double[] xs, List<Band> series, double xEnd,
                        String empty) implements Panel { }

    /** One series of {@link Bands}. */
    public record Band(String label, double[] mean, double[] lo, double[] hi) { }

    /** The distribution of {@code values} in {@code bins} equal bins from their least to their greatest. */
    public record Histogram(String title, String xLabel, double[] values, int bins) implements Panel { }

    static final int WIDTH = 800;
    static final int HEIGHT = 480;
    static final int SMALL_HEIGHT = 260;
    /** Matplotlib's tab10 colours, in order: the series of a {@link Bands} panel. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf));
    private static final Color LINE = PALETTE.getFirst();
    private static final Color GRID = new Color(0xe6e6e6);

    private Chart() { }

    /** The height of a chart of {@code panels} panels: the first, then rows of two. */
    private static int height(int panels) {
        return HEIGHT + (panels / 2) * SMALL_HEIGHT;
    }

    /** Writes {@code panels} to {@code png}, atomically (a temporary file renamed over it). */
    public static void write(Path png, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, height(panels.size()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            Frame f = i == 0 ? new Frame(0, 0, WIDTH, HEIGHT, 1)
                    : new Frame((i - 1) % 2 * WIDTH / 2, HEIGHT + (i - 1) / 2 * SMALL_HEIGHT, WIDTH / 2, SMALL_HEIGHT, 0.8);
            Graphics2D p = (Graphics2D) g.create();
            p.translate(f.x, f.y);
            draw(p, f, panels.get(i));
            p.dispose();
        }
        g.dispose();
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Where a panel is on the image, its size, and the scale of its margins and fonts. */
    private record Frame(int x, int y, int w, int h, double scale) {
        int left() {
            return (int) (70 * scale);
        }

        int right() {
            return (int) (20 * scale);
        }

        int top() {
            return (int) (40 * scale);
        }

        int bottom() {
            return (int) (50 * scale);
        }

        float font(int size) {
            return (float) (size * scale);
        }
    }

    /** The data → pixel mapping inside a panel's plot area. */
    private record Axes(Frame f, double xMin, double xMax, double yMin, double yMax) {
        int x(double v) {
            return f.left() + (int) Math.round((v - xMin) / (xMax - xMin) * (f.w - f.left() - f.right()));
        }

        int y(double v) {
            return f.h - f.bottom() - (int) Math.round((v - yMin) / (yMax - yMin) * (f.h - f.top() - f.bottom()));
        }
    }

    private static void draw(Graphics2D g, Frame f, Panel panel) {
        switch (panel) {
            case Lines l -> lines(g, f, l);
            case Bands b -> bands(g, f, b);
            case Histogram h -> histogram(g, f, h);
        }
    }

    private static void lines(Graphics2D g, Frame f, Lines l) {
        double yMin = l.yAtLeast() == null ? Double.POSITIVE_INFINITY : l.yAtLeast()[0];
        double yMax = l.yAtLeast() == null ? Double.NEGATIVE_INFINITY : l.yAtLeast()[1];
        double xLast = 0;
        for (double[] p : l.points()) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
            xLast = Math.max(xLast, p[0]);
        }
        Axes a = frame(g, f, l.title(), l.xLabel(), l.yLabel(), 0, l.xEnd() > 0 ? l.xEnd() : xLast, xLast, yMin, yMax);
        if (l.points().isEmpty()) {
            g.setFont(g.getFont().deriveFont(Font.PLAIN, f.font(13)));
            g.setColor(Color.GRAY);
            g.drawString(l.empty(), f.left() + 20, f.top() + 30);
            return;
        }
        if (l.smooth() > 1) {
            g.setColor(new Color(LINE.getRGB() & 0xffffff | 0x40000000, true));
            g.setStroke(new BasicStroke(1f));
            g.draw(path(l.points(), a, 1));
        }
        g.setColor(LINE);
        g.setStroke(new BasicStroke((float) (2.5 * f.scale), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path(l.points(), a, l.smooth()));
    }

    private static void bands(Graphics2D g, Frame f, Bands b) {
        double yMin = 0;
        double yMax = 1;
        for (Band s : b.series()) {
            for (double[] line : List.of(s.mean(), s.lo(), s.hi())) {
                for (double v : line) {
                    if (!Double.isNaN(v)) {
                        yMin = Math.min(yMin, v);
                        yMax = Math.max(yMax, v);
                    }
                }
            }
        }
        Axes a = frame(g, f, b.title(), b.xLabel(), b.yLabel(), 0, b.xEnd(), b.xEnd(), yMin, yMax);
        if (b.series().isEmpty()) {
            g.setFont(g.getFont().deriveFont(Font.PLAIN, f.font(13)));
            g.setColor(Color.GRAY);
            g.drawString(b.empty(), f.left() + 20, f.top() + 30);
            return;
        }
        for (int i = 0; i < b.series().size(); i++) {
            Color c = PALETTE.get(i % PALETTE.size());
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0x40));
            for (Path2D area : areas(b.xs(), b.series().get(i), a)) {
                g.fill(area);
            }
        }
        g.setStroke(new BasicStroke((float) (2 * f.scale), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int i = 0; i < b.series().size(); i++) {
            g.setColor(PALETTE.get(i % PALETTE.size()));
            g.draw(broken(b.xs(), b.series().get(i).mean(), a));
        }
        legend(g, f, b.series().stream().map(Band::label).toList());
    }

    /** The band's area where both edges are known, as one closed path per stretch. */
    private static List<Path2D> areas(double[] xs, Band s, Axes a) {
        List<Path2D> out = new java.util.ArrayList<>();
        for (int start = 0; start < xs.length; ) {
            while (start < xs.length && (Double.isNaN(s.lo()[start]) || Double.isNaN(s.hi()[start]))) {
                start++;
            }
            int end = start;
            while (end < xs.length && !Double.isNaN(s.lo()[end]) && !Double.isNaN(s.hi()[end])) {
                end++;
            }
            if (end > start) {
                Path2D p = new Path2D.Double();
                p.moveTo(a.x(xs[start]), a.y(s.hi()[start]));
                for (int i = start + 1; i < end; i++) {
                    p.lineTo(a.x(xs[i]), a.y(s.hi()[i]));
                }
                for (int i = end - 1; i >= start; i--) {
                    p.lineTo(a.x(xs[i]), a.y(s.lo()[i]));
                }
                p.closePath();
                out.add(p);
            }
            start = end;
        }
        return out;
    }

    /** The polyline through (xs, ys), broken where y is NaN. */
    private static Path2D broken(double[] xs, double[] ys, Axes a) {
        Path2D p = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(ys[i])) {
                open = false;
            } else if (open) {
                p.lineTo(a.x(xs[i]), a.y(ys[i]));
            } else {
                p.moveTo(a.x(xs[i]), a.y(ys[i]));
                open = true;
            }
        }
        return p;
    }

    /** A legend in the plot's bottom right corner, where learning curves rarely are, on white. */
    private static void legend(Graphics2D g, Frame f, List<String> labels) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12).deriveFont(f.font(12)));
        FontMetrics fm = g.getFontMetrics();
        int width = labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 44;
        int height = 16 * labels.size() + 8;
        int left = f.w - f.right() - width - 8;
        int top = f.h - f.bottom() - height - 8;
        g.setColor(new Color(255, 255, 255, 0xd0));
        g.fillRect(left, top, width, height);
        for (int i = 0; i < labels.size(); i++) {
            int y = top + 16 * (i + 1);
            g.setColor(PALETTE.get(i % PALETTE.size()));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(left + 8, y - 4, left + 28, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), left + 36, y);
        }
    }

    private static void histogram(Graphics2D g, Frame f, Histogram h) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : h.values()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) {
            lo -= 0.5;
            hi += 0.5;
        }
        long[] counts = counts(h.values(), h.bins(), lo, hi);
        long most = 1;
        for (long c : counts) {
            most = Math.max(most, c);
        }
        Axes a = frame(g, f, h.title(), h.xLabel(), "count", lo, hi, hi, 0, most);
        g.setColor(LINE);
        double width = (hi - lo) / h.bins();
        for (int b = 0; b < counts.length; b++) {
            int x0 = a.x(lo + b * width);
            int x1 = a.x(lo + (b + 1) * width);
            int y = a.y(counts[b]);
            g.fillRect(x0, y, Math.max(1, x1 - x0 - 1), a.y(0) - y);
        }
    }

    /** How many of {@code values} fall in each of {@code bins} equal bins over [lo, hi] (the last one closed). */
    static long[] counts(double[] values, int bins, double lo, double hi) {
        long[] counts = new long[bins];
        for (double v : values) {
            counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
        }
        return counts;
    }

    /**
     * Draws the grid, ticks, labels and title of a panel over [xMin, xMax] × [yMin, yMax] widened to
     * round ticks, the x axis reaching on to {@code xData} when the data pass {@code xMax} (a run's
     * last iteration may pass its budget a little).
     */
    private static Axes frame(Graphics2D g, Frame f, String title, String xLabel, String yLabel, double xMin, double xMax,
                              double xData, double yMin, double yMax) {
        if (!(yMax > yMin)) {
            double pad = Math.max(Math.abs(yMin) * 0.1, 0.5);
            yMin -= pad;
            yMax += pad;
        }
        if (!(xMax > xMin)) {
            xMax = xMin + 1;
        }
        double[] yTicks = ticks(yMin, yMax);
        double[] xTicks = ticks(xMin, xMax);
        Axes a = new Axes(f, Math.min(xMin, xTicks[0]), Math.max(xData, xTicks[xTicks.length - 1]), yTicks[0],
                yTicks[yTicks.length - 1]);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12).deriveFont(f.font(12)));
        FontMetrics fm = g.getFontMetrics();
        for (double y : yTicks) {
            int py = a.y(y);
            g.setColor(GRID);
            g.drawLine(f.left(), py, f.w - f.right(), py);
            g.setColor(Color.DARK_GRAY);
            String label = label(y, yTicks);
            g.drawString(label, f.left() - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double x : xTicks) {
            int px = a.x(x);
            g.setColor(GRID);
            g.drawLine(px, f.top(), px, f.h - f.bottom());
            g.setColor(Color.DARK_GRAY);
            String label = label(x, xTicks);
            g.drawString(label, px - fm.stringWidth(label) / 2, f.h - f.bottom() + fm.getAscent() + 4);
        }
        g.setColor(Color.GRAY);
        g.drawRect(f.left(), f.top(), f.w - f.left() - f.right(), f.h - f.top() - f.bottom());
        g.setColor(Color.BLACK);
        int plotWidth = f.w - f.left() - f.right();
        g.drawString(xLabel, f.left() + (plotWidth - fm.stringWidth(xLabel)) / 2, f.h - (int) (12 * f.scale));
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(f.top() + (f.h - f.top() - f.bottom() + fm.stringWidth(yLabel)) / 2), fm.getAscent() + 2);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15).deriveFont(f.font(15)));
        g.drawString(title, f.left(), (int) (26 * f.scale));
        return a;
    }

    /** The polyline of the trailing moving average over {@code window} points. */
    private static Path2D path(List<double[]> points, Axes a, int window) {
        Path2D p = new Path2D.Double();
        List<double[]> smooth = smooth(points, window);
        for (int i = 0; i < smooth.size(); i++) {
            double[] pt = smooth.get(i);
            if (i == 0) {
                p.moveTo(a.x(pt[0]), a.y(pt[1]));
            } else {
                p.lineTo(a.x(pt[0]), a.y(pt[1]));
            }
        }
        return p;
    }

    /** The trailing moving average over {@code window} points ({x, y} pairs), as a panel's bold line draws it. */
    public static List<double[]> smooth(List<double[]> points, int window) {
        List<double[]> out = new java.util.ArrayList<>();
        double sum = 0;
        for (int i = 0; i < points.size(); i++) {
            sum += points.get(i)[1];
            if (i >= window) {
                sum -= points.get(i - window)[1];
            }
            out.add(new double[] {points.get(i)[0], sum / Math.min(i + 1, window)});
        }
        return out;
    }

    /** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about five of them. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double first = Math.floor(lo / step) * step;
        int n = (int) Math.ceil((hi - first) / step - 1e-9);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    /** A tick's label: thousands as {@code 25k}, others with the decimals their axis' step needs. */
    private static String label(double v, double[] ticks) {
        if (Math.abs(v) >= 1000 && Math.abs(v % 1000) < 1e-9) {
            return (v < 0 ? "-" : "") + Progress.count(Math.round(Math.abs(v)));
        }
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        String text = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
    }
}
