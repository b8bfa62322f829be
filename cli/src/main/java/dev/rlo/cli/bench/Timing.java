package dev.rlo.cli.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static final double QUIET = 2;
    /** The longest warm-up, in seconds, however busy the JIT. */
    static final double MAX_WARMUP = 20;
    /** How often warm-up looks at the JIT, in seconds. */
    static final double CHECK = 0.01;

    private Timing() { }

    /** Seconds per call: the median of {@code repeats} samples, after {@code warmup} seconds of calls and an idle JIT (above). */
    static double median(Runnable run, double warmup, int repeats) {
        long start = System.nanoTime();
        /* since: when the JIT was last seen working (or warm-up began); calls and their time since then */
        long since = start;
        long checked = start;
        long work = jitWork();
        int calls = 0;
        long callNanos = 0;
        while (true) {
            long t0 = System.nanoTime();
            run.run();
            long now = System.nanoTime();
            calls++;
            callNanos += now - t0;
            /* --warmup 0 asks for none: two calls */
            boolean capped = warmup == 0 || now - start >= MAX_WARMUP * 1e9;
            if (!capped && now - checked >= CHECK * 1e9) {
                checked = now;
                long w = jitWork();
                if (w != work) {
                    work = w;
                    since = now;
                    calls = 0;
                    callNanos = 0;
                }
            }
            if (calls >= 2 && now - start >= warmup * 1e9 && (now - since >= QUIET * 1e9 || capped)) {
                break;
            }
        }
        double perCall = callNanos / 1e9 / calls;
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

    /** A count that grows while the JIT works: its finished compilations' time, in ms, and its threads' CPU time, in ticks. */
    private static long jitWork() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long finished = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return finished + compilerTicks();
    }

    /** The CPU time of this process's compiler threads so far (utime + stime, in clock ticks), or 0 without /proc. */
    private static long compilerTicks() {
        File[] tasks = new File("/proc/self/task").listFiles();
        long ticks = 0;
        for (File t : tasks == null ? new File[0] : tasks) {
            try {
                if (Files.readString(Path.of(t.getPath(), "comm")).contains("Compiler")) {
                    String stat = Files.readString(Path.of(t.getPath(), "stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            } catch (IOException | RuntimeException e) {
                /* a thread that ended meanwhile */
            }
        }
        return ticks;
    }
}
