package dev.rlo.compiler.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a kernel on a shared pool of daemon threads (the calling thread takes part 0).
 * {@code -Drlo.threads=N} caps the threads (default: the available processors); small iteration
 * spaces run in one part, since handing work to another thread costs microseconds.
 */
final class Parts {

    static final int THREADS = Integer.getInteger("rlo.threads", Runtime.getRuntime().availableProcessors());
    /** Below this many points ({@code -Drlo.parts.min}), a kernel is not worth splitting. */
    static long minVolume() {
        return Long.getLong("rlo.parts.min", 1 << 15);
    }

    private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, THREADS - 1), r -> {
        Thread t = new Thread(r, "rlo-kernel");
        t.setDaemon(true);
        return t;
    });

    private Parts() { }

    /** How many parts for a kernel whose split dimension has {@code lanes} indices and {@code volume} points. */
    static int count(long lanes, long volume) {
        if (volume < minVolume()) {
            return 1;
        }
        return (int) Math.max(1, Math.min(THREADS, lanes));
    }

    static void run(int parts, IntConsumer part) {
        if (parts == 1) {
            part.accept(0);
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int p = 1; p < parts; p++) {
            int q = p;
            others.add(POOL.submit(() -> part.accept(q)));
        }
        RuntimeException failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
