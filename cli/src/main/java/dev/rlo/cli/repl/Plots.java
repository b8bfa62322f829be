package dev.rlo.cli.repl;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.tensor.TensorText;
import dev.rlo.runtime.out.Chart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code :plot EXPR}: a 1-D tensor as a line of its values against their index, any larger one as
 * a histogram of its values, drawn by the runtime's {@link Chart} into {@code rlo-plot-N.png} in
 * the session's directory (the first N not taken).
 */
final class Plots {

    /** The fewest and the most bins of a histogram; between them, ⌈√n⌉ for n values. */
    static final int MIN_BINS = 10;
    static final int MAX_BINS = 100;

    private Plots() { }

    /** Plots {@code t}, the value of {@code expr}; returns what to print: where the PNG is and what it shows. */
    static String plot(Tensor t, String expr, Path dir) {
        if (t.dims().isEmpty()) {
            throw new UserError("nothing to plot: " + expr.strip() + " is a scalar, " + TensorText.format(t, 1));
        }
        String title = expr.strip() + " : " + t.dtype() + "[" + TensorText.shape(t) + "]";
        double[] v = t.values();
        double[] finite = Arrays.stream(v).filter(Double::isFinite).toArray();
        String left = finite.length == v.length ? "" : "; " + (v.length - finite.length) + " not finite, left out";
        Chart.Panel panel;
        String what;
        if (t.dims().size() == 1) {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    points.add(new double[] {i, v[i]});
                }
            }
            panel = new Chart.Lines(title, t.dims().getFirst(), "value", points, 1, 0, null, "no finite value");
            what = "a line of " + points.size() + " values over " + t.dims().getFirst();
        } else {
            if (finite.length == 0) {
                throw new UserError("nothing to plot: no value of " + expr.strip() + " is finite");
            }
            int bins = bins(finite.length);
            panel = new Chart.Histogram(title, "value", finite, bins);
            what = "a histogram of " + finite.length + " values in " + bins + " bins";
        }
        Path png = free(dir);
        try {
            Chart.write(png, List.of(panel));
        } catch (IOException e) {
            throw new UserError("cannot write " + png + ": " + e.getMessage());
        }
        return "plotted " + png + " (" + what + left + ")\n";
    }

    static int bins(int n) {
        return (int) Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(Math.sqrt(n))));
    }

    private static Path free(Path dir) {
        for (int n = 1; ; n++) {
            Path p = dir.resolve("rlo-plot-" + n + ".png").toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                return p;
            }
        }
    }
}
