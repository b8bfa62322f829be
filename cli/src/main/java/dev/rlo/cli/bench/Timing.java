package dev.rlo.cli.bench;

import java.util.Arrays;

/** Wall-clock timing: warm up for a while (JIT compilation, caches), then the median of timed runs. */
final class Timing {

    private Timing() { }

    /** Seconds per run: the median of {@code repeats} runs, after at least two and {@code warmup} seconds of runs. */
    static double median(Runnable run, double warmup, int repeats) {
        long start = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - start < warmup * 1e9; i++) {
            run.run();
        }
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            run.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }
}
