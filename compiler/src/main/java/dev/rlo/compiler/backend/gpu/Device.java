package dev.rlo.compiler.backend.gpu;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What {@link GpuPlan} needs from a device: build a program, move bytes, launch a kernel. One
 * implementation per API ({@link OpenClDevice}, {@link CudaDevice}); calls are serialised by the
 * plan, and every failure is a {@link dev.rlo.compiler.base.UserError} that names the device.
 */
public interface Device {

    /** The device in words: API, platform, name. */
    String name();

    Dialect dialect();

    /** How many work items a launch is worth at most: enough to fill the device. */
    long maxItems();

    /** The program built from {@code source}, from the cache when the same source was built before. */
    Program build(String source);

    Memory allocate(long bytes);

    void free(Memory m);

    void write(Memory to, MemorySegment from, long bytes);

    void read(Memory from, MemorySegment to, long bytes);

    /**
     * Launches {@code kernel} of {@code program} on {@code items} work items; each argument is a
     * {@link Memory}, a Long (64-bit integer), an Integer or a Double. Returns once it is queued.
     */
    void launch(Program program, String kernel, long items, List<Object> args);

    /**
     * Fills {@code count} elements of {@code slots} f64 each (one or two) with (v0, v1): reduction
     * scratch set to its identity. By default the prelude's {@code rlo_fill} kernel of {@code program}.
     */
    default void fill(Program program, Memory m, long count, int slots, double v0, double v1) {
        long items = Math.max(1, Math.min(count, maxItems()));
        launch(program, "rlo_fill", items, List.of(m, count, slots, v0, v1, items));
    }

    /** Waits for every launch to finish. */
    void finish();

    /** A built program. */
    interface Program { }

    /** Device memory of {@code bytes}. */
    interface Memory {
        long bytes();
    }
}
