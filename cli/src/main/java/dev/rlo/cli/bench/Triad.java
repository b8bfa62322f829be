package dev.rlo.cli.bench;

import java.util.stream.IntStream;

/**
 * The machine's memory bandwidth, measured in the same run as the benchmarks: a STREAM-style triad
 * a[i] = b[i] + s·c[i] over arrays far larger than the caches, on every thread rlo uses. Counts 12
 * bytes per element (two reads, one write), as STREAM does.
 */
final class Triad {

    private Triad() { }

    /** Bytes per second, the median of {@code repeats} runs after one warm-up run. */
    static double bandwidth(int elements, int threads, int repeats) {
        float[] a = new float[elements];
        float[] b = new float[elements];
        float[] c = new float[elements];
        java.util.Arrays.fill(b, 1);
        java.util.Arrays.fill(c, 2);
        Runnable triad = () -> IntStream.range(0, threads).parallel().forEach(t -> {
            int lo = (int) ((long) elements * t / threads);
            int hi = (int) ((long) elements * (t + 1) / threads);
            for (int i = lo; i < hi; i++) {
                a[i] = b[i] + 3f * c[i];
            }
        });
        double seconds = Timing.median(triad, 0.5, repeats);
        return 12.0 * elements / seconds;
    }
}
