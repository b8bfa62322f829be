package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Schedule;
import java.util.List;
import java.util.Map;

/**
 * A kernel plan rendered for a device ({@code rlo compile --emit opencl|cuda}): the program's
 * source and each kernel's parameters by name; {@link GpuPlan} runs it by the plan's {@link Schedule}.
 * <p>
 * Parameters, in order: {@code bK} buffer K of the plan (its dtype, row-major), {@code auxK} its
 * f64 reduction scratch, {@code tmpK} an argsort's int scratch (as large as buffer K), {@code n}
 * the dimension sizes as 64-bit integers (in {@link #dims} order), {@code err} two ints, zeroed
 * (a bad gather index: dimension number + 1, and the index), {@code slices} the partial results a
 * finishing or merging kernel merges and {@code stride} the step between the ones left, and
 * {@code items} the number of work items launched. Each kernel strides
 * over its work by {@code items}, so any launch size is correct; {@link #items} is the one rlo uses.
 */
public record GpuProgram(Dialect dialect, String source, List<String> dims, Map<String, List<String>> params) {

    /**
     * Partial slices merged per work item and level: a reduction split over more slices than this is
     * merged by a tree of {@code m<buffer>} launches (each level FAN times fewer) before its
     * finishing kernel, so that no one thread walks 2¹⁸ slices.
     */
    public static final int FAN = 256;

    /** Steps per chunk of a scan run in chunks ({@link ScanChunks}). */
    public static final int SCAN_CHUNK = 256;

    /** Whether to scan in chunks ({@link ScanChunks}): at least 8 chunks of steps, and lanes that leave most of the device idle. */
    public static boolean chunked(long steps, long lanes, long maxItems) {
        return steps >= 8L * SCAN_CHUNK && lanes * 8 <= maxItems;
    }

    /** At most this many f64 slots of partial scratch per launch (128 MiB): launches shrink to fit. */
    public static final long SCRATCH_SLOTS = 1L << 24;

    /** The work items to launch for {@code extent} elements, at most {@code max}, fewer if partial scratch would pass its budget. */
    public static long items(long extent, long max, List<Schedule.Reduce> scratch, Map<String, Long> sizes) {
        long items = Math.max(1, Math.min(extent, max));
        long slots = 0;
        for (Schedule.Reduce s : scratch) {
            if (s.partial()) {
                slots += volume(s.buffer().type().dims(), sizes) * s.reduction().slots();
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
