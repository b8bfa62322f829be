package dev.rlo.runtime.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A training loop: each {@link #iterate} collects experience and learns from it once (one rollout
 * and its epochs, for the on-policy loop). Everything that changes lives in what {@link #save}
 * writes, so a run restored from a checkpoint continues bit for bit as if never stopped.
 */
public interface Loop {

    /** The metrics each iteration reports, CleanRL's names: {@code charts/episodic_return}, {@code losses/...}. */
    List<String> columns();

    /**
     * One iteration; {@code progress} is the fraction of the step budget already used (for annealing).
     * Returns this iteration's metrics by column; a metric with nothing to report (no episode ended) is absent.
     */
    Map<String, Double> iterate(double progress);

    /** Environment steps taken so far, over all copies. */
    long steps();

    /** Episodes finished so far. */
    long episodes();

    /** {@code episodes} evaluation episodes with the greedy policy, on fresh environments. */
    Evaluation evaluate(int episodes, long seed);

    /** Each evaluation episode's return, and how often the greedy policy chose each action. */
    record Evaluation(double[] returns, long[] actions) { }

    void save(DataOutput out) throws IOException;

    void restore(DataInput in) throws IOException;
}
