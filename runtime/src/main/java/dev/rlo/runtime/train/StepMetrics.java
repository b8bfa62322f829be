package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import java.util.List;
import java.util.Map;

/** The means, over an iteration's optimizer steps, of the loss, the objective's reports and the gradient norm. */
final class StepMetrics {

    private final List<String> reports;
    private final double[] reportSums;
    private double lossSum;
    private double normSum;
    private int steps;

    StepMetrics(List<String> reports) {
        this.reports = reports;
        this.reportSums = new double[reports.size()];
    }

    /** One step's result and its gradient's norm before clipping. */
    void add(CompiledObjective.Result r, double gradNorm) {
        lossSum += r.loss().item();
        normSum += gradNorm;
        for (int k = 0; k < reportSums.length; k++) {
            reportSums[k] += r.reports().get(reports.get(k)).item();
        }
        steps++;
    }

    /** {@code losses/loss}, {@code losses/<report>} and {@code losses/grad_norm} into {@code row}. */
    void into(Map<String, Double> row) {
        row.put("losses/loss", lossSum / steps);
        for (int k = 0; k < reportSums.length; k++) {
            row.put("losses/" + reports.get(k), reportSums[k] / steps);
        }
        row.put("losses/grad_norm", normSum / steps);
    }
}
