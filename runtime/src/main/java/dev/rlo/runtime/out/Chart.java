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
 * A line chart drawn with Java2D, headless, written as a PNG: round ticks, a grid, axis labels and a
 * title; lines, shaded bands and a legend on top. {@link Curve} draws a run's learning curve with it,
 * the sweep its configurations' mean curves.
 */
public final class Chart {

    /** Matplotlib's tab10 colours, in order. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf));

    private static final int W = 800;
    private static final int H = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private final BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    private final Graphics2D g;
    private final double xMax;
    private final double yMin;
    private final double yMax;

    /** A chart over [0, xMax] × [yMin, yMax], both widened to round ticks, its frame and labels drawn. */
    public Chart(String title, String xLabel, String yLabel, double xMax, double yMin, double yMax) {
        System.setProperty("java.awt.headless", "true");
        double[] yTicks = ticks(yMin, yMax);
        double[] xTicks = ticks(0, xMax);
        this.xMax = xTicks[xTicks.length - 1];
        this.yMin = yTicks[0];
        this.yMax = yTicks[yTicks.length - 1];
        g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double y : yTicks) {
            int py = y(y);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, W - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            String label = label(y);
            g.drawString(label, LEFT - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double x : xTicks) {
            int px = x(x);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, TOP, px, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = label(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, H - BOTTOM + 16);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.setColor(Color.BLACK);
        g.drawString(xLabel, LEFT + (W - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, H - 12);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + (H - TOP - BOTTOM + fm.stringWidth(yLabel)) / 2), 16);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 26);
    }

    /** A polyline through {@code points} ({x, y} pairs; NaN ys break it). */
    public void line(List<double[]> points, Color color, float width) {
        g.setColor(color);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D p = new Path2D.Double();
        boolean open = false;
        for (double[] pt : points) {
            if (Double.isNaN(pt[1])) {
                open = false;
            } else if (open) {
                p.lineTo(x(pt[0]), y(pt[1]));
            } else {
                p.moveTo(x(pt[0]), y(pt[1]));
                open = true;
            }
        }
        g.draw(p);
    }

    /** The area between {@code lo} and {@code hi} over {@code xs}, where both are known, translucent. */
    public void band(double[] xs, double[] lo, double[] hi, Color color) {
        g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 0x40));
        int start = 0;
        while (start < xs.length) {
            while (start < xs.length && Double.isNaN(lo[start])) {
                start++;
            }
            int end = start;
            while (end < xs.length && !Double.isNaN(lo[end])) {
                end++;
            }
            if (end > start) {
                Path2D p = new Path2D.Double();
                p.moveTo(x(xs[start]), y(hi[start]));
                for (int i = start + 1; i < end; i++) {
                    p.lineTo(x(xs[i]), y(hi[i]));
                }
                for (int i = end - 1; i >= start; i--) {
                    p.lineTo(x(xs[i]), y(lo[i]));
                }
                p.closePath();
                g.fill(p);
            }
            start = end;
        }
    }

    /** A legend in the bottom right corner, where learning curves rarely are, on white. */
    public void legend(List<String> labels, List<Color> colors) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int width = labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 44;
        int height = 16 * labels.size() + 8;
        int left = W - RIGHT - width - 8;
        int top = H - BOTTOM - height - 8;
        g.setColor(new Color(255, 255, 255, 0xd0));
        g.fillRect(left, top, width, height);
        for (int i = 0; i < labels.size(); i++) {
            int y = top + 16 * (i + 1);
            g.setColor(colors.get(i));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(left + 8, y - 4, left + 28, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), left + 36, y);
        }
    }

    /** A grey remark where the data would be ("no episode has ended yet"). */
    public void note(String text) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.GRAY);
        g.drawString(text, LEFT + 20, TOP + 30);
    }

    /** Writes the chart to {@code png}, atomically. */
    public void write(Path png) throws IOException {
        g.dispose();
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private int x(double v) {
        return LEFT + (int) Math.round(v / xMax * (W - LEFT - RIGHT));
    }

    private int y(double v) {
        return H - BOTTOM - (int) Math.round((v - yMin) / (yMax - yMin) * (H - TOP - BOTTOM));
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
