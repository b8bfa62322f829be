package dev.rlo.sweep;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Json;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import dev.rlo.runtime.train.Experiment;
import dev.rlo.runtime.train.NonFiniteLoss;
import dev.rlo.runtime.train.TrainError;
import dev.rlo.runtime.train.Trainer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * The body of one Spark task: one run of a sweep, trained in the executor's JVM into its run
 * directory as {@code rlo train} would ({@code command.txt} says how). A retried attempt resumes from
 * the run's checkpoint, or reports the run a lost attempt had already finished. rlo's own verdicts
 * are results, not failures, so Spark never retries them: a loss that stops being finite is
 * {@code diverged}, a run that cannot run an {@code error}. Anything else (a lost executor, an
 * exception from below) fails the attempt, and Spark retries it.
 */
class RunTask implements Function<Run, Row> {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The sweep's settings each run needs: its source, import path, run directories and outputs. */
    record Settings(String file, List<String> libraryPath, String runs, Long checkpointEvery, int evalEpisodes)
            implements java.io.Serializable { }

    private final Settings s;

    RunTask(Settings s) {
        this.s = s;
    }

    @Override
    public Row call(Run run) throws IOException {
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 1 : task.attemptNumber() + 1;
        String worker = (SparkEnv.get() == null ? "local" : SparkEnv.get().executorId()) + "/pid " + ProcessHandle.current().pid();
        Path dir = Path.of(s.runs()).resolve(run.id());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("command.txt"), command(run, dir) + "\n", StandardCharsets.UTF_8);
        if (Files.exists(dir.resolve("summary.json"))) {
            return Row.finished(run, attempt, summary(dir.resolve("summary.json")), dir.resolve("metrics.csv"), worker);
        }
        try (PrintStream log = log(dir, attempt)) {
            Compiler compiler = Compiler.load(Path.of(s.file()), s.libraryPath().stream().map(Path::of).toList());
            Experiment x = Experiment.of(compiler, run.train(), new Experiment.Overrides(run.objective(), run.set(), Map.of(),
                    run.seed(), run.steps()));
            long every = s.checkpointEvery() != null ? s.checkpointEvery() : Math.max(1, x.steps() / 10);
            boolean resume = Files.exists(dir.resolve("checkpoint.bin"));
            log.printf("attempt %d on %s%n", attempt, worker);
            Trainer.Summary summary = Trainer.run(x, new Trainer.Options(dir, resume, every, s.evalEpisodes(), log, false, 0,
                    new CpuBackend()));
            if (summary.interrupted()) {
                /* the JVM is stopping: the run has checkpointed, and an attempt elsewhere (or --resume) continues it */
                throw new IllegalStateException(run.id() + " stopped at step " + summary.steps() + " by a shutdown");
            }
            return Row.finished(run, attempt, summary, dir.resolve("metrics.csv"), worker);
        } catch (NonFiniteLoss e) {
            return Row.ended(run, Row.Status.diverged, attempt, e.step(), worker, e.getMessage());
        } catch (TrainError e) {
            return Row.ended(run, Row.Status.error, attempt, 0, worker, e.getMessage());
        } catch (Compiler.CheckFailed e) {
            return Row.ended(run, Row.Status.error, attempt, 0, worker, Files.exists(Path.of(s.file()))
                    ? e.diagnostics().sorted().getFirst().span() + ": " + e.diagnostics().sorted().getFirst().message()
                    : "the source " + s.file() + " is not there");
        } catch (UserError e) {
            return Row.ended(run, Row.Status.error, attempt, 0, worker, e.getMessage());
        }
    }

    /** Where the run's progress goes: {@code train.log} in its directory, appended to by every attempt. */
    PrintStream log(Path dir, int attempt) throws IOException {
        return new PrintStream(new FileOutputStream(dir.resolve("train.log").toFile(), true), true, StandardCharsets.UTF_8);
    }

    /** The {@code rlo train} command that makes this run in {@code dir} (arguments with spaces quoted). */
    String command(Run run, Path dir) {
        List<String> words = new ArrayList<>(List.of("rlo", "train", s.file()));
        words.addAll(run.args());
        s.libraryPath().forEach(p -> words.addAll(List.of("--path", p)));
        if (s.checkpointEvery() != null) {
            words.addAll(List.of("--checkpoint-every", Long.toString(s.checkpointEvery())));
        }
        if (s.evalEpisodes() != 10) {
            words.addAll(List.of("--eval-episodes", Integer.toString(s.evalEpisodes())));
        }
        words.addAll(List.of("--out", dir.toString()));
        return String.join(" ", words.stream().map(w -> w.matches("[A-Za-z0-9_./=:@+,-]+") ? w : "'" + w.replace("'", "'\\''") + "'")
                .toList());
    }

    /** The summary a finished run wrote. */
    static Trainer.Summary summary(Path json) throws IOException {
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        return new Trainer.Summary(num(m, "steps").longValue(), num(m, "episodes").longValue(), num(m, "seconds").doubleValue(),
                num(m, "eval_mean_return").doubleValue(), num(m, "eval_std_return").doubleValue(),
                num(m, "eval_episodes").intValue(), new double[0], false);
    }

    private static Number num(Map<?, ?> m, String key) {
        return (Number) m.get(key);
    }
}
