package dev.rlo.compiler.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Memory a plan's run needs besides its inputs and outputs: off-heap intermediate buffers and f64
 * reduction scratch, and each part's kernel arrays ({@link Locals}). A run takes a workspace from
 * its plan's pool and gives it back, so later runs reuse the memory: fresh pages cost more than the
 * kernels that fill them (first-touch page faults, measured in docs/benchmarks.md), and a kernel
 * then allocates nothing. Concurrent runs get separate workspaces.
 */
final class Workspace {

    /** Segments by key, each at least as large as any run asked for. */
    private final Map<Long, MemorySegment> segments = new HashMap<>();
    /** Each part's kernel arrays. */
    private Locals[] locals = new Locals[0];

    /** The kernel arrays of parts 0 to {@code parts} − 1 (at index p, part p's), kept from earlier runs. */
    Locals[] locals(int parts) {
        if (parts > locals.length) {
            Locals[] more = java.util.Arrays.copyOf(locals, parts);
            for (int p = locals.length; p < parts; p++) {
                more[p] = new Locals();
            }
            locals = more;
        }
        return locals;
    }

    /** A segment of at least {@code bytes} for {@code key}; its contents are whatever the last run left. */
    MemorySegment get(long key, long bytes) {
        long size = Math.max(bytes, 8);
        MemorySegment s = segments.get(key);
        if (s == null || s.byteSize() < size) {
            s = Arena.ofAuto().allocate(size, 64);
            segments.put(key, s);
        }
        return s.asSlice(0, size);
    }

    /** Workspaces for one plan's runs. */
    static final class Pool {
        private final ConcurrentLinkedQueue<Workspace> free = new ConcurrentLinkedQueue<>();

        Workspace take() {
            Workspace w = free.poll();
            return w != null ? w : new Workspace();
        }

        void give(Workspace w) {
            free.add(w);
        }
    }
}
