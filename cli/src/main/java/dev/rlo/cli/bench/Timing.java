package dev.rlo.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Wall-clock timing of the steady state: warm up (JIT compilation, caches), then the median of
 * timed samples. Warm-up lasts the time asked for and, beyond it, until the JIT has compiled nothing
 * for {@link #QUIET} seconds (at most {@link #MAX_WARMUP}; none with a warm-up of 0): on two cores a large kernel can wait
 * seconds for the one C2 thread, and runs interpreted until then, which a sample would otherwise
 * time. A call shorter than {@link #SAMPLE} is timed as the mean of as many back-to-back calls as
 * fill one sample, so that a few-µs training-size call is not measured at the clock's resolution.
 */
final class Timing {

    /** The shortest timed sample, in seconds. */
    static final double SAMPLE = 1e-3;
    /** How long the JIT must have compiled nothing for warm-up to end, in seconds. */
    static final double QUIET = 0.5;
    /** The longest warm-up, in seconds, however busy the JIT. */
    static final double MAX_WARMUP = 20;

    private Timing() { }

    /** Seconds per call: the median of {@code repeats} samples, after {@code warmup} seconds of calls and a quiet JIT (above). */
    static double median(Runnable run, double warmup, int repeats) {
        long start = System.nanoTime();
        /* since: when the JIT last finished a compilation (or warm-up began); calls: the calls since then */
        long since = start;
        long compiled = compilationMillis();
        int calls = 0;
        while (true) {
            run.run();
            calls++;
            long now = System.nanoTime();
            long c = compilationMillis();
            /* --warmup 0 asks for none: two calls */
            boolean capped = warmup == 0 || now - start >= MAX_WARMUP * 1e9;
            if (c != compiled && !capped) {
                compiled = c;
                since = now;
                calls = 0;
            }
            if (calls >= 2 && now - start >= warmup * 1e9 && (now - since >= QUIET * 1e9 || capped)) {
                break;
            }
        }
        double perCall = (System.nanoTime() - since) / 1e9 / calls;
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

    /** The JIT's total compilation time so far, in ms; constant where the JVM does not monitor it. */
    private static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }
}
