package dev.rlo.compiler.backend.cpu;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a kernel on a few daemon threads (the calling thread takes part 0).
 * {@code -Drlo.threads=N} caps the threads (default: the available processors); small iteration
 * spaces run in one part.
 * <p>
 * A worker that has finished a part spins for {@link #SPIN_NANOS} before it parks, as OpenMP's
 * threads do: a training loop calls its kernels back to back, and waking a parked thread cost
 * about 45 µs per call here (a thread pool's submit and get, two parts of no work), as long as
 * a PPO minibatch takes in all. A caller that finds the workers taken (by another thread, or by
 * itself from inside a part) runs its parts itself, in order; partial results merge by part, not
 * by thread, so the result is the same.
 */
final class Parts {

    static final int THREADS = Integer.getInteger("rlo.threads", Runtime.getRuntime().availableProcessors());
    /** How long an idle worker spins for its next part before it parks, in ns. */
    static final long SPIN_NANOS = 100_000;

    /** Below this many points ({@code -Drlo.parts.min}), a kernel is not worth splitting. */
    static long minVolume() {
        return Long.getLong("rlo.parts.min", 1 << 12);
    }

    private static final ReentrantLock TAKEN = new ReentrantLock();
    private static Worker[] workers;

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
        if (TAKEN.isHeldByCurrentThread() || !TAKEN.tryLock()) {
            for (int p = 0; p < parts; p++) {
                part.accept(p);
            }
            return;
        }
        try {
            Worker[] w = workers(parts - 1);
            for (int p = 1; p < parts; p++) {
                w[p - 1].hand(part, p);
            }
            /* the workers are waited for whatever part 0 throws: the next call must find them idle */
            Throwable failure = null;
            try {
                part.accept(0);
            } catch (Throwable e) {
                failure = e;
            }
            for (int p = 1; p < parts; p++) {
                Throwable t = w[p - 1].await();
                if (failure == null) {
                    failure = t;
                }
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        } finally {
            TAKEN.unlock();
        }
    }

    /** At least {@code n} workers, started on first use. */
    private static Worker[] workers(int n) {
        if (workers == null || workers.length < n) {
            Worker[] more = new Worker[Math.max(n, THREADS - 1)];
            for (int i = 0; i < more.length; i++) {
                more[i] = workers != null && i < workers.length ? workers[i] : new Worker();
            }
            workers = more;
        }
        return workers;
    }

    /** A thread that runs one part at a time: handed over through volatile fields, waited for by spinning. */
    private static final class Worker extends Thread {
        private volatile IntConsumer task;
        private volatile int index;
        private volatile boolean done = true;
        private volatile Throwable failure;

        Worker() {
            super("rlo-kernel");
            setDaemon(true);
            start();
        }

        void hand(IntConsumer t, int p) {
            failure = null;
            index = p;
            done = false;
            task = t;
            LockSupport.unpark(this);
        }

        /** Waits for the part to finish; its failure, or null. */
        Throwable await() {
            long spins = 0;
            while (!done) {
                if (++spins < 1 << 20) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                IntConsumer t = next();
                try {
                    t.accept(index);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                done = true;
            }
        }

        /** The next part: spun for a while, then parked for. */
        private IntConsumer next() {
            long idle = System.nanoTime();
            int spins = 0;
            while (true) {
                IntConsumer t = task;
                if (t != null) {
                    return t;
                }
                if ((++spins & 63) != 0 || System.nanoTime() - idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
