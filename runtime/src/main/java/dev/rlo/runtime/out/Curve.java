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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The learning curve as a PNG: mean episodic return per iteration against environment steps (thin,
 * light) and its moving average over {@link #SMOOTH} points (bold), read from {@code metrics.csv}, so
 * that a resumed run is drawn whole. Drawn with Java2D, headless.
 */
public final class Curve {

    public static final int SMOOTH = 10;
    private static final int W = 800;
    private static final int H = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color LINE = new Color(0x1f77b4);

    private Curve() { }

    /** Writes {@code png} (atomically) from the {@code column} of {@code metrics}, with {@code title}. */
    public static void write(Path metrics, String column, Path png, String title, long budget) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> header = new ArrayList<>();
        List<double[]> rows = MetricsCsv.read(metrics, header);
        int c = header.indexOf(column);
        List<double[]> points = new ArrayList<>();
        for (double[] r : rows) {
            if (c >= 0 && c < r.length && !Double.isNaN(r[c])) {
                points.add(new double[] {r[0], r[c]});
            }
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double xMax = Math.max(budget, points.isEmpty() ? 1 : points.getLast()[0]);
        double yMin = 0;
        double yMax = 1;
        for (double[] p : points) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
        }
        double[] yTicks = ticks(yMin, yMax);
        double[] xTicks = ticks(0, budget);
        yMin = yTicks[0];
        yMax = yTicks[yTicks.length - 1];
        xMax = Math.max(xMax, xTicks[xTicks.length - 1]);   // the last iteration may pass the budget a little
        Plot plot = new Plot(xMax, yMin, yMax);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double y : yTicks) {
            int py = plot.y(y);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, W - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            String label = label(y);
            g.drawString(label, LEFT - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double x : xTicks) {
            int px = plot.x(x);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, TOP, px, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = label(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, H - BOTTOM + 16);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.setColor(Color.BLACK);
        g.drawString("environment steps", LEFT + (W - LEFT - RIGHT - fm.stringWidth("environment steps")) / 2, H - 12);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        String yLabel = "episodic return";
        rotated.drawString(yLabel, -(TOP + (H - TOP - BOTTOM + fm.stringWidth(yLabel)) / 2), 16);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 26);

        if (points.isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.GRAY);
            g.drawString("no episode has ended yet", LEFT + 20, TOP + 30);
        } else {
            g.setColor(new Color(0x1f77b4 | 0x40000000, true));
            g.setStroke(new BasicStroke(1f));
            g.draw(path(points, plot, 1));
            g.setColor(LINE);
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path(points, plot, SMOOTH));
        }
        g.dispose();
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private record Plot(double xMax, double yMin, double yMax) {
        int x(double v) {
            return LEFT + (int) Math.round(v / xMax * (W - LEFT - RIGHT));
        }

        int y(double v) {
            return H - BOTTOM - (int) Math.round((v - yMin) / (yMax - yMin) * (H - TOP - BOTTOM));
        }
    }

    /** The polyline of the trailing moving average over {@code window} points. */
    private static Path2D path(List<double[]> points, Plot plot, int window) {
        Path2D p = new Path2D.Double();
        double sum = 0;
        for (int i = 0; i < points.size(); i++) {
            sum += points.get(i)[1];
            if (i >= window) {
                sum -= points.get(i - window)[1];
            }
            double y = sum / Math.min(i + 1, window);
            double x = points.get(i)[0];
            if (i == 0) {
                p.moveTo(plot.x(x), plot.y(y));
            } else {
                p.lineTo(plot.x(x), plot.y(y));
            }
        }
        return p;
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

    private static String label(double v) {
        if (Math.abs(v) >= 1000 && v % 1000 == 0) {
            return Progress.count((long) v);
        }
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2g", v);
    }
}
