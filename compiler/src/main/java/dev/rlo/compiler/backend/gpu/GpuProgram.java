package dev.rlo.compiler.backend.gpu;

import java.util.List;
import java.util.Map;

/**
 * A kernel plan rendered for a device ({@code rlo compile --emit opencl|cuda}): the program's
 * source, each kernel's parameters by name, and the schedule that runs it.
 * <p>
 * Parameters, in order: {@code bK} buffer K of the plan (its dtype, row-major), {@code auxK} its
 * f64 reduction scratch, {@code tmpK} an argsort's int scratch (as large as buffer K), {@code n}
 * the dimension sizes as 64-bit integers (in {@link #dims} order), {@code err} two ints, zeroed
 * (a bad gather index: dimension number + 1, and the index), {@code slices} the partial results a
 * finishing or merging kernel merges and {@code stride} the step between the ones left, and
 * {@code items} the number of work items launched. Each kernel strides
 * over its work by {@code items}, so any launch size is correct; {@link #items} is the one rlo uses.
 */
public record GpuProgram(Dialect dialect, String source, List<String> dims, Map<String, List<String>> params, List<Step> schedule) {

    /**
     * Partial slices merged per work item and level: a reduction split over more slices than this is
     * merged by a tree of {@code m<buffer>} launches (each level FAN times fewer) before its
     * finishing kernel, so that no one thread walks 2¹⁸ slices.
     */
    public static final int FAN = 256;

    /** Steps per chunk of a scan run in chunks ({@link ScanChunks}). */
    public static final int SCAN_CHUNK = 256;

    /**
     * Launch scan {@code kernel} (one work item per lane) — or, when the scanned dimension is long
     * and the lanes few ({@link #chunked}), its three chunked kernels {@code kernel_c0..c2}, with
     * {@code aux<buffer>} of lanes × chunks × 2 f64.
     */
    public record Scan(String kernel, int buffer, List<String> lanes, String dim) implements Step {

        /** Whether to scan in chunks: at least 8 chunks of steps, and lanes that leave most of the device idle. */
        public boolean chunked(Map<String, Long> sizes, long maxItems) {
            return sizes.get(dim) >= 8L * SCAN_CHUNK && volume(lanes, sizes) * 8 <= maxItems;
        }
    }

    /** At most this many f64 slots of partial scratch per launch (128 MiB): launches shrink to fit. */
    public static final long SCRATCH_SLOTS = 1L << 24;

    /** One step of the schedule, in order. */
    public sealed interface Step { }

    /**
     * Launch {@code kernel} over {@code extent} (dimensions whose product bounds the useful work
     * items), after filling each of its {@code scratch} buffers with their identity.
     */
    public record Launch(String kernel, List<String> extent, List<Scratch> scratch) implements Step { }

    /**
     * Reduction scratch {@code auxK} over {@code dims}, {@code slots} f64 per element: one slice, or
     * (if {@code partial}) one per work item of its launch, each starting at (v0, v1).
     */
    public record Scratch(int buffer, List<String> dims, int slots, double v0, double v1, boolean partial) { }

    /**
     * Finish buffer {@code buffer}: while more than {@link #FAN} of its slices are left (every
     * stride-th, stride starting at 1), launch {@code m<buffer>} over count × ⌈slices / (stride·FAN)⌉
     * work items and multiply stride by FAN; then launch {@code kernel} with that stride.
     */
    public record Finish(String kernel, int buffer, List<String> dims) implements Step { }

    /** The work items to launch for {@code extent} elements, at most {@code max}, fewer if partial scratch would pass its budget. */
    public static long items(long extent, long max, List<Scratch> scratch, Map<String, Long> sizes) {
        long items = Math.max(1, Math.min(extent, max));
        long slots = 0;
        for (Scratch s : scratch) {
            if (s.partial()) {
                slots += volume(s.dims(), sizes) * s.slots();
            }
        }
        return slots == 0 ? items : Math.max(1, Math.min(items, SCRATCH_SLOTS / slots));
    }

    static long volume(List<String> dims, Map<String, Long> sizes) {
        long v = 1;
        for (String d : dims) {
            v *= sizes.get(d);
        }
        return v;
    }
}
