package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of a kernel's parts to spinning workers (spec/ir.md, Threads): every part runs
 * once, part 0 on the caller; a failure in a worker's part reaches the caller, and one in the
 * caller's part waits for the workers; callers on two threads at once, and a call from inside a
 * part, each get all their parts run.
 */
class PartsTest {

    @Test
    void everyPartRunsOnceAndPartZeroOnTheCaller() {
        Thread[] ran = new Thread[3];
        for (int call = 0; call < 1000; call++) {
            AtomicIntegerArray count = new AtomicIntegerArray(3);
            Parts.run(3, p -> {
                count.incrementAndGet(p);
                ran[p] = Thread.currentThread();
            });
            for (int p = 0; p < 3; p++) {
                assertEquals(1, count.get(p), "call " + call + " part " + p);
            }
            assertEquals(Thread.currentThread(), ran[0]);
        }
        if (Parts.THREADS > 1) {
            assertNotEquals(Thread.currentThread(), ran[1]);
        }
    }

    @Test
    void aFailureInAWorkersPartReachesTheCaller() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parts.run(2, p -> {
            if (p == 1) {
                throw new IllegalArgumentException("part 1");
            }
        }));
        assertEquals("part 1", e.getMessage());
        /* and the workers still run the next call */
        AtomicIntegerArray count = new AtomicIntegerArray(2);
        Parts.run(2, count::incrementAndGet);
        assertEquals(1, count.get(0));
        assertEquals(1, count.get(1));
    }

    @Test
    void anErrorInTheCallersPartWaitsForTheWorkers() {
        AtomicIntegerArray slow = new AtomicIntegerArray(1);
        assertThrows(AssertionError.class, () -> Parts.run(2, p -> {
            if (p == 0) {
                throw new AssertionError("part 0");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slow.incrementAndGet(0);
        }));
        /* part 1 had finished when run returned, and the next call runs both of its parts */
        assertEquals(1, slow.get(0));
        AtomicIntegerArray count = new AtomicIntegerArray(2);
        Parts.run(2, count::incrementAndGet);
        assertEquals(1, count.get(0));
        assertEquals(1, count.get(1));
    }

    @Test
    void callersOnTwoThreadsAndCallsFromInsideAPartGetAllTheirParts() throws InterruptedException {
        int calls = 2000;
        AtomicIntegerArray done = new AtomicIntegerArray(2);
        Thread[] callers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            int caller = c;
            callers[c] = new Thread(() -> {
                for (int i = 0; i < calls; i++) {
                    AtomicIntegerArray count = new AtomicIntegerArray(4);
                    Parts.run(2, p -> {
                        count.incrementAndGet(p);
                        /* a nested call runs its parts on this thread */
                        Parts.run(2, q -> count.incrementAndGet(2 + q));
                    });
                    if (count.get(0) == 1 && count.get(1) == 1 && count.get(2) == 2 && count.get(3) == 2) {
                        done.incrementAndGet(caller);
                    }
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(calls, done.get(0));
        assertEquals(calls, done.get(1));
    }
}
