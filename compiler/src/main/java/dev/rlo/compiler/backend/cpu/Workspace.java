package dev.rlo.compiler.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Off-heap memory a plan's run needs besides its inputs and outputs: intermediate buffers and f64
 * reduction scratch. A run takes a workspace from its plan's pool and gives it back, so later runs
 * reuse the memory: fresh pages cost more than the kernels that fill them (first-touch page faults,
 * measured in docs/benchmarks.md). Concurrent runs get separate workspaces.
 */
final class Workspace {

    /** Segments by key, each at least as large as any run asked for. */
    private final Map<Long, MemorySegment> segments = new HashMap<>();

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
