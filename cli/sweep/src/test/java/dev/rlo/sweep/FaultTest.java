package dev.rlo.sweep;

import static dev.rlo.sweep.Sweeps.EXAMPLE;
import static dev.rlo.sweep.Sweeps.rlo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.runtime.sweep.Plan;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures, on tiny budgets: an attempt that dies mid-run is retried and resumes from the run's
 * checkpoint, ending exactly as an uninterrupted run; an executor JVM killed with SIGKILL is
 * replaced and its runs resume; a driver killed with SIGKILL leaves a sweep that {@code --resume}
 * finishes without redoing a finished run. (Divergence, which must not be retried, is in
 * {@link SweepCommandTest}.)
 */
class FaultTest {

    @TempDir
    Path tmp;

    /** PPO at ε = 0.2, seed 1, 2048 steps, with the example's sweep. */
    static List<Run> runs(int seeds) {
        return Plan.of(Compiler.load(Path.of(EXAMPLE), List.of()), null,
                new Plan.Changes(Map.of("objective", List.of("ppo"), "eps", List.of("0.2")), seeds, 2048L)).runs();
    }

    /**
     * A task whose first attempt throws from inside training (a stand-in for an infrastructure fault:
     * an exception from below rlo) at the first progress line after the run's first checkpoint.
     */
    static final class FlakyTask extends RunTask {
        @Serial
        private static final long serialVersionUID = 1L;

        FlakyTask(Settings s) {
            super(s);
        }

        @Override
        PrintStream log(Path dir, int attempt) throws IOException {
            PrintStream real = super.log(dir, attempt);
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    if (attempt == 1 && Files.exists(dir.resolve("checkpoint.bin"))) {
                        throw new IllegalStateException("injected infrastructure failure");
                    }
                    real.write(b);
                }
            }, true);
        }
    }

    /** A task that always fails for seed 1, as a machine that cannot run it would. */
    static final class BrokenForSeed1 extends RunTask {
        @Serial
        private static final long serialVersionUID = 1L;

        BrokenForSeed1(Settings s) {
            super(s);
        }

        @Override
        public Row call(Run r) throws IOException {
            if (r.seed() == 1) {
                throw new IllegalStateException("always");
            }
            return super.call(r);
        }
    }

    @Test
    void aFailedAttemptIsRetriedAndResumesFromTheCheckpoint() throws Exception {
        Run run = runs(1).getFirst();
        Path runs = tmp.resolve("runs");
        RunTask task = new FlakyTask(new RunTask.Settings(EXAMPLE, List.of(), runs.toString(), 512L, 1));
        List<Row> rows = new ArrayList<>();
        try (Engine engine = Engine.start(new Engine.Options("local", 1, 1, 3, Map.of()))) {
            engine.run(List.of(run), task, 3, rows::add);
        }
        Row row = rows.getFirst();
        assertEquals(Row.Status.finished, row.status(), row.toString());
        assertEquals(2, row.attempts());
        String log = Files.readString(runs.resolve(run.id()).resolve("train.log"));
        assertTrue(log.contains("attempt 2 on driver"), log);
        assertTrue(log.matches("(?s).*resuming cartpole from step (512|1024|1536) .*"), log);
        Sweeps.sameAsAlone(runs.resolve(run.id()), tmp.resolve("alone"));
    }

    /** Every attempt failing ends the run {@code failed} with Spark's reason, and the other runs go on. */
    @Test
    void aRunWhoseEveryAttemptFailsFailsAlone() throws Exception {
        List<Run> two = runs(2);
        Path runs = tmp.resolve("runs");
        RunTask task = new BrokenForSeed1(new RunTask.Settings(EXAMPLE, List.of(), runs.toString(), 512L, 1));
        Map<String, Row> rows = new HashMap<>();
        try (Engine engine = Engine.start(new Engine.Options("local", 2, 1, 2, Map.of()))) {
            engine.run(two, task, 2, r -> rows.put(r.id(), r));
        }
        Row failed = rows.get(two.getFirst().id());
        assertEquals(Row.Status.failed, failed.status());
        assertEquals(2, failed.attempts());
        assertTrue(failed.message().contains("IllegalStateException: always"), failed.message());
        assertEquals(Row.Status.finished, rows.get(two.getLast().id()).status());
    }

    /**
     * Two workers with an executor JVM each: the executor training the first run is killed with
     * SIGKILL after that run's first checkpoint. Spark starts a new executor, the run resumes from
     * its checkpoint there, and both runs end exactly as their rlo train commands run alone.
     */
    @Test
    void anExecutorKilledMidRunIsReplacedAndItsRunsResume() throws Exception {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));   // before `package` fills it
        Path out = tmp.resolve("sweeps");
        Thread killer = Thread.ofPlatform().daemon().start(() -> killFirstExecutorAfterACheckpoint(out));
        Sweeps.Result r = rlo("sweep", EXAMPLE, "--grid", "objective=ppo", "--grid", "eps=0.2", "--seeds", "2", "--steps", "3072",
                "--checkpoint-every", "512", "--eval-episodes", "1", "--master", "local-cluster[2,1,1024]", "--out", out.toString());
        killer.join(1000);
        assertEquals(0, r.code(), r.out() + r.err());
        Path sweep = Sweeps.sweepDir(out);
        String results = Files.readString(sweep.resolve("results.csv"));
        assertTrue(results.contains(",finished,2,"), "the killed run needed a second attempt:\n" + results);
        for (Path run : Sweeps.runs(sweep)) {
            Sweeps.sameAsAlone(run, tmp.resolve("alone-" + run.getFileName()));
        }
    }

    private static void killFirstExecutorAfterACheckpoint(Path out) {
        try {
            Optional<Path> log = Optional.empty();
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (log.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                log = trainLogWithCheckpoint(out);
            }
            String first = Files.readAllLines(log.orElseThrow()).getFirst();   // "attempt 1 on 0/pid 4711"
            long pid = Long.parseLong(first.substring(first.lastIndexOf(' ') + 1));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);   // SIGKILL
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> trainLogWithCheckpoint(Path out) {
        return named(out, "checkpoint.bin").stream().map(p -> p.resolveSibling("train.log"))
                .filter(p -> !Files.exists(p.resolveSibling("summary.json"))).findFirst();
    }

    /**
     * The driver (a child JVM, one run at a time) is killed with SIGKILL once a run has finished and
     * the next has a checkpoint. {@code --resume} then runs only what is left: the finished run's files
     * are untouched and it has one row, the interrupted run resumes, and every run finishes.
     */
    @Test
    void resumeAfterTheDriverIsKilledRedoesNoFinishedRun() throws Exception {
        Path out = tmp.resolve("sweeps");
        Process driver = Sweeps.child(tmp.resolve("driver.log"), "sweep", EXAMPLE, "--grid", "objective=ppo", "--grid", "eps=0.2",
                "--seeds", "3", "--steps", "2048", "--checkpoint-every", "512", "--eval-episodes", "1", "--parallel", "1",
                "--out", out.toString());
        Sweeps.await(() -> finishedAndNextCheckpointed(out), driver::isAlive);
        driver.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook runs
        assertTrue(finishedAndNextCheckpointed(out), Files.readString(tmp.resolve("driver.log")));
        Path sweep = Sweeps.sweepDir(out);
        Map<Path, FileTime> before = new HashMap<>();
        for (Path run : Sweeps.runs(sweep)) {
            if (Files.exists(run.resolve("summary.json"))) {
                for (String f : List.of("summary.json", "metrics.csv", "checkpoint.bin", "train.log")) {
                    before.put(run.resolve(f), Files.getLastModifiedTime(run.resolve(f)));
                }
            }
        }
        assertFalse(before.isEmpty());

        Sweeps.Result resumed = rlo("sweep", "--resume", sweep.toString());
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("sweep ppo_vs_spo: 3 runs, "), resumed.out());
        assertTrue(resumed.out().contains("3 of 3 runs finished"), resumed.out());
        for (Map.Entry<Path, FileTime> e : before.entrySet()) {
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was redone");
        }
        List<String> rows = Files.readAllLines(sweep.resolve("results.csv"));
        for (Path run : Sweeps.runs(sweep)) {
            String id = run.getFileName().toString();
            assertEquals(1, rows.stream().filter(l -> l.startsWith(id + ",")).count(), id + " has one row:\n" + rows);
        }
        assertTrue(Sweeps.runs(sweep).stream().anyMatch(run -> read(run.resolve("train.log")).contains("resuming cartpole")),
                "the interrupted run resumed from its checkpoint");
    }

    /**
     * SIGTERM, as Ctrl-C's SIGINT, while two runs train: each checkpoints where it stopped, the jobs
     * Spark cancels on its way down are recorded nowhere, and the driver says how to continue.
     */
    @Test
    void aSignalCheckpointsEveryRunningRunAndRecordsNothing() throws Exception {
        Path out = tmp.resolve("sweeps");
        Process driver = Sweeps.child(tmp.resolve("driver.log"), "sweep", EXAMPLE, "--grid", "objective=ppo", "--grid", "eps=0.2",
                "--seeds", "2", "--steps", "40960", "--checkpoint-every", "512", "--eval-episodes", "1", "--parallel", "2",
                "--out", out.toString());
        Sweeps.await(() -> checkpoints(out) == 2, driver::isAlive);
        driver.destroy();   // SIGTERM: shutdown hooks run
        driver.waitFor();
        String log = Files.readString(tmp.resolve("driver.log"));
        assertTrue(log.contains("rlo: sweep interrupted; running runs checkpoint as they stop. Continue with: rlo sweep --resume "),
                log);
        Path sweep = Sweeps.sweepDir(out);
        for (Path run : Sweeps.runs(sweep)) {
            assertTrue(read(run.resolve("train.log")).contains("interrupted at step "), run + ":\n" + read(run.resolve("train.log")));
            assertTrue(Files.exists(run.resolve("checkpoint.bin")));
        }
        assertFalse(Files.exists(sweep.resolve("results.csv")), "runs stopped by a signal have no row");
    }

    private static long checkpoints(Path out) {
        return named(out, "checkpoint.bin").size();
    }

    /** The files called {@code name} under {@code out}, as far as a walk of a tree that changes meanwhile sees them. */
    private static List<Path> named(Path out, String name) {
        try (var files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().equals(name)).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();   // not there yet, or changed while walked
        }
    }

    /** Some run has finished, and another has a checkpoint but no summary. */
    private static boolean finishedAndNextCheckpointed(Path out) {
        return !named(out, "summary.json").isEmpty()
                && named(out, "checkpoint.bin").stream().anyMatch(p -> !Files.exists(p.resolveSibling("summary.json")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
