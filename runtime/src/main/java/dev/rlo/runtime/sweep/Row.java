package dev.rlo.runtime.sweep;

import dev.rlo.runtime.out.Curve;
import dev.rlo.runtime.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How one run of a sweep ended: a row of {@code results.csv}. {@code finished} runs have their
 * scores ({@link Metric}); the others a message: {@code diverged} (the loss stopped being finite,
 * at {@code steps}), {@code error} (the run cannot run: rlo's own verdict, not retried) or
 * {@code failed} (every attempt ended in an infrastructure failure).
 */
public record Row(String id, String config, long seed, Status status, int attempts, double evalMean, double evalStd,
                  double finalReturn, double meanReturn, long steps, double seconds, String worker, String message)
        implements Serializable {

    public enum Status { finished, diverged, error, failed }

    /** A finished run: its summary, and the returns of its {@code metrics.csv}. */
    public static Row finished(Run run, int attempts, Trainer.Summary s, Path metrics, String worker) throws IOException {
        double[] returns = returns(metrics);
        double last = 0;
        int from = Math.max(0, returns.length - Curve.SMOOTH);
        for (int i = from; i < returns.length; i++) {
            last += returns[i];
        }
        double all = java.util.Arrays.stream(returns).sum();
        return new Row(run.id(), run.config(), run.seed(), Status.finished, attempts, s.evalMean(), s.evalStd(),
                returns.length == 0 ? Double.NaN : last / (returns.length - from),
                returns.length == 0 ? Double.NaN : all / returns.length, s.steps(), s.seconds(), worker, "");
    }

    /** A run that did not finish, with why. */
    public static Row ended(Run run, Status status, int attempts, long steps, String worker, String message) {
        return new Row(run.id(), run.config(), run.seed(), status, attempts, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                steps, Double.NaN, worker, message);
    }

    /** The value of {@code metric} ({@link Metric#NAMES}). */
    public double score(String metric) {
        return switch (metric) {
            case "eval_mean_return" -> evalMean;
            case "final_return" -> finalReturn;
            case "mean_return" -> meanReturn;
            default -> throw new IllegalArgumentException("no metric " + metric);
        };
    }

    /** Each iteration's mean episodic return, in order, skipping iterations in which no episode ended. */
    static double[] returns(Path metrics) throws IOException {
        return Curve.points(metrics, "charts/episodic_return").stream().mapToDouble(p -> p[1]).toArray();
    }
}
