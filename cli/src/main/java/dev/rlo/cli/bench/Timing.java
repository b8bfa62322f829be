package dev.rlo.cli.bench;

import java.util.Arrays;

/**
 * Wall-clock timing: warm up for a while (JIT compilation, caches), then the median of timed samples.
 * A call shorter than {@link #SAMPLE} is timed as the mean of as many back-to-back calls as fill one
 * sample, so that a few-µs training-size call is not measured at the clock's resolution.
 */
final class Timing {

    /** The shortest timed sample, in seconds. */
    static final double SAMPLE = 1e-3;

    private Timing() { }

    /** Seconds per call: the median of {@code repeats} samples, after at least two calls and {@code warmup} seconds of calls. */
    static double median(Runnable run, double warmup, int repeats) {
        long start = System.nanoTime();
        int calls = 0;
        while (calls < 2 || System.nanoTime() - start < warmup * 1e9) {
            run.run();
            calls++;
        }
        double perCall = (System.nanoTime() - start) / 1e9 / calls;
        int inner = (int) Math.max(1, Math.ceil(SAMPLE / perCall));
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < inner; k++) {
                run.run();
            }
            t[i] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }
}
