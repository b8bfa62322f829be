package dev.rlo.sweep;

import dev.rlo.runtime.out.Chart;
import dev.rlo.runtime.out.Curve;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import dev.rlo.runtime.sweep.Stats;
import dev.rlo.runtime.sweep.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code curves.png}: per configuration, the mean over its finished runs of the learning curve (each
 * run's episodic return smoothed over {@link Curve#SMOOTH} iterations, as in its own curve.png, held
 * between iterations), with its 95% bootstrap interval as a band, on {@link #POINTS} steps from 0 to
 * the budget; configurations in the summary's rank order, the first ten drawn.
 */
final class Curves {

    static final int POINTS = 100;

    private Curves() { }

    static void write(SweepDir sweep, Summary summary, Map<String, Row> rows, Path png) throws IOException {
        long budget = sweep.runs.stream().mapToLong(Run::steps).max().orElse(1);
        double[] xs = new double[POINTS + 1];
        for (int i = 0; i <= POINTS; i++) {
            xs[i] = (double) budget * i / POINTS;
        }
        List<Chart.Band> series = new ArrayList<>();
        for (Summary.Entry e : summary.entries()) {
            List<double[]> curves = new ArrayList<>();
            for (Run r : sweep.runs) {
                Row row = rows.get(r.id());
                Path metrics = sweep.runs().resolve(r.id()).resolve("metrics.csv");
                if (r.config().equals(e.config()) && row != null && row.status() == Row.Status.finished && Files.exists(metrics)) {
                    curves.add(held(Chart.smooth(Curve.points(metrics, "charts/episodic_return"), Curve.SMOOTH), xs));
                }
            }
            if (!curves.isEmpty() && series.size() < Chart.PALETTE.size()) {
                double[][] band = band(curves, xs.length);
                series.add(new Chart.Band(e.config() + " (n=" + curves.size() + ")", band[0], band[1], band[2]));
            }
        }
        Chart.write(png, List.of(new Chart.Bands(sweep.header.name() + ": mean episodic return, 95% bootstrap CI",
                "environment steps", "episodic return", xs, series, budget, "no run has finished")));
    }

    /** The curve's value at each x: its last point at or before x (NaN before its first). */
    static double[] held(List<double[]> points, double[] xs) {
        double[] out = new double[xs.length];
        int p = -1;
        for (int i = 0; i < xs.length; i++) {
            while (p + 1 < points.size() && points.get(p + 1)[0] <= xs[i]) {
                p++;
            }
            out[i] = p < 0 ? Double.NaN : points.get(p)[1];
        }
        return out;
    }

    /** Mean, low and high of the curves at each x, over the curves that have a value there. */
    static double[][] band(List<double[]> curves, int n) {
        double[][] out = new double[3][n];
        for (int i = 0; i < n; i++) {
            int at = i;
            double[] v = curves.stream().mapToDouble(c -> c[at]).filter(d -> !Double.isNaN(d)).toArray();
            if (v.length == 0) {
                out[0][i] = out[1][i] = out[2][i] = Double.NaN;
                continue;
            }
            double[] ci = Stats.interval(v, s -> Arrays.stream(s).average().orElseThrow());
            out[0][i] = Arrays.stream(v).average().orElseThrow();
            out[1][i] = ci[0];
            out[2][i] = ci[1];
        }
        return out;
    }
}
