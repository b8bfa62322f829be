package dev.rlo.runtime.out;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The learning curve as a PNG: mean episodic return per iteration against environment steps (thin,
 * light) and its moving average over {@link #SMOOTH} points (bold), read from {@code metrics.csv}, so
 * that a resumed run is drawn whole. Drawn by {@link Chart}.
 */
public final class Curve {

    public static final int SMOOTH = 10;
    private static final Color LINE = Chart.PALETTE.getFirst();

    private Curve() { }

    /** Writes {@code png} (atomically) from the {@code column} of {@code metrics}, with {@code title}. */
    public static void write(Path metrics, String column, Path png, String title, long budget) throws IOException {
        List<double[]> points = points(metrics, column);
        double yMin = 0;
        double yMax = 1;
        for (double[] p : points) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
        }
        /* the last iteration may pass the budget a little */
        double xMax = Math.max(budget, points.isEmpty() ? 1 : points.getLast()[0]);
        Chart chart = new Chart(title, "environment steps", "episodic return", xMax, yMin, yMax);
        if (points.isEmpty()) {
            chart.note("no episode has ended yet");
        } else {
            chart.line(points, new Color(LINE.getRed(), LINE.getGreen(), LINE.getBlue(), 0x40), 1f);
            chart.line(smooth(points, SMOOTH), LINE, 2.5f);
        }
        chart.write(png);
    }

    /** The {step, value} pairs of {@code column} in {@code metrics}, skipping empty cells. */
    public static List<double[]> points(Path metrics, String column) throws IOException {
        List<String> header = new ArrayList<>();
        List<double[]> rows = MetricsCsv.read(metrics, header);
        int c = header.indexOf(column);
        List<double[]> points = new ArrayList<>();
        for (double[] r : rows) {
            if (c >= 0 && c < r.length && !Double.isNaN(r[c])) {
                points.add(new double[] {r[0], r[c]});
            }
        }
        return points;
    }

    /** The trailing moving average over {@code window} points. */
    public static List<double[]> smooth(List<double[]> points, int window) {
        List<double[]> out = new ArrayList<>();
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
}
