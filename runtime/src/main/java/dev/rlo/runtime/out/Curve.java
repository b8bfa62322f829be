package dev.rlo.runtime.out;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's dashboard as one PNG, read from {@code metrics.csv} so that a resumed run is drawn whole:
 * the mean episodic return per iteration against environment steps (thin, light) and its moving
 * average over {@link #SMOOTH} points (bold); below it, CleanRL's habit, a panel for the loss and one
 * for each of the objective's reports ({@code losses/…} but the gradient norm), drawn alike.
 */
public final class Curve {

    public static final int SMOOTH = 10;
    static final String RETURN = "charts/episodic_return";
    static final String LOSSES = "losses/";
    static final String GRAD_NORM = "losses/grad_norm";

    private Curve() { }

    /** Writes {@code png} (atomically) from {@code metrics}, titled {@code title}, the x axes reaching {@code budget}. */
    public static void write(Path metrics, Path png, String title, long budget) throws IOException {
        List<String> header = new ArrayList<>();
        List<double[]> rows = MetricsCsv.read(metrics, header);
        List<Chart.Panel> panels = new ArrayList<>();
        panels.add(new Chart.Lines(title, "environment steps", "episodic return", points(rows, header.indexOf(RETURN)), SMOOTH,
                budget, new double[] {0, 1}, "no episode has ended yet"));
        for (int c = 0; c < header.size(); c++) {
            String column = header.get(c);
            if (column.startsWith(LOSSES) && !column.equals(GRAD_NORM)) {
                String name = column.substring(LOSSES.length());
                panels.add(new Chart.Lines(name, "environment steps", name, points(rows, c), SMOOTH, budget, null,
                        "no value yet"));
            }
        }
        Chart.write(png, panels);
    }

    /** The (global_step, value) pairs of {@code column} in {@code metrics}, skipping empty cells. */
    public static List<double[]> points(Path metrics, String column) throws IOException {
        List<String> header = new ArrayList<>();
        List<double[]> rows = MetricsCsv.read(metrics, header);
        return points(rows, header.indexOf(column));
    }

    /** (global_step, value) of the rows that have a value in {@code column}. */
    private static List<double[]> points(List<double[]> rows, int column) {
        List<double[]> points = new ArrayList<>();
        for (double[] r : rows) {
            if (column >= 0 && column < r.length && !Double.isNaN(r[column])) {
                points.add(new double[] {r[0], r[column]});
            }
        }
        return points;
    }
}
