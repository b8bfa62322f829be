package dev.rlo.sweep;

import dev.rlo.cli.Main;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.runtime.sweep.Plan;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import dev.rlo.runtime.sweep.Summary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code rlo sweep FILE} (spec/cli.md#sweep): expands a sweep block into runs, checks every
 * configuration against its loop, and runs them on Apache Spark ({@link Engine}), a line per run as
 * it ends, then the summary table; {@code --resume} continues a sweep directory ({@link SweepDir}).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a sweep block: train blocks × hyper-parameters × seeds, on Apache Spark (embedded unless --master).",
                "Writes sweeps/NAME__TIME/: sweep.json, runs/, results.csv, summary.csv, curves.png."})
public final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The .rlo file (not with --resume).")
    Path file;

    @Option(names = "--sweep", paramLabel = "NAME", description = "The sweep block (needed when the file has several).")
    String sweep;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the sweep's directory goes (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("sweeps");

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue this sweep: skip finished runs, resume checkpointed ones.")
    Path resume;

    @Option(names = "--retry-failed", description = "With --resume: run again the runs whose every attempt failed.")
    boolean retryFailed;

    @Option(names = "--dry-run", description = "Expand and check the sweep, print its runs, run nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "P", description = "Runs at once with the embedded Spark (default: the processors / T).")
    Integer parallel;

    @Option(names = "--threads-per-run", paramLabel = "T", description = "Threads of each run's kernels (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--max-attempts", paramLabel = "A", description = "Attempts per run on infrastructure failures (default: ${DEFAULT-VALUE}).")
    int attempts = 3;

    @Option(names = "--grid", paramLabel = "NAME=V1,V2", description = "Sweep a --set path over values (repeatable; replaces the block's).")
    Map<String, String> grid = new LinkedHashMap<>();

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds 1 to N (replaces the block's seeds).")
    Integer seeds;

    @Option(names = "--steps", paramLabel = "N", description = "Every run's step budget (replaces the block's).")
    Long steps;

    @Option(names = "--master", paramLabel = "URL",
            description = "local (default, or spark-submit's), local-cluster[W,C,MB], spark://HOST:PORT, yarn, k8s://URL.")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable), e.g. spark.executor.memory=8g.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "Checkpoint interval of each run (default: a tenth of its budget).")
    Long checkpointEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "Greedy evaluation episodes at the end of each run (default: 10).")
    Integer evalEpisodes;

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    List<Path> libraryPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        usage();
        if (master == null) {
            master = System.getProperty("spark.master", "local");   // spark-submit's --master, else the embedded Spark
        }
        String jdk = jdkProblem(Runtime.version());
        if (jdk != null) {
            err.println("rlo: " + jdk);
            return Main.USAGE;
        }
        try {
            SweepDir dir = resume != null ? SweepDir.open(resume) : plan(stdout);
            if (dir == null) {
                return dryRun ? Main.OK : Main.USER_ERRORS;
            }
            return run(dir, stdout, err);
        } catch (Compiler.CheckFailed e) {
            stdout.print(e.diagnostics().toText());
            stdout.flush();
            return Main.USER_ERRORS;
        } catch (UserError e) {
            err.println("rlo: " + e.getMessage());
            return Main.USER_ERRORS;
        }
    }

    private void usage() {
        String problem = resume == null && file == null ? "a FILE is required (or --resume DIR)"
                : resume != null && (file != null || sweep != null || !grid.isEmpty() || seeds != null || steps != null || dryRun
                        || checkpointEvery != null || evalEpisodes != null)
                ? "--resume continues the sweep as it was planned: it takes no FILE, --sweep, --grid, --seeds, --steps,"
                        + " --checkpoint-every, --eval-episodes or --dry-run"
                : retryFailed && resume == null ? "--retry-failed goes with --resume DIR"
                : file != null && !Files.isRegularFile(file) ? "no such file: " + file
                : resume != null && !Files.isDirectory(resume) ? "no such directory: " + resume
                : threads < 1 || attempts < 1 || evalEpisodes != null && evalEpisodes < 1 || parallel != null && parallel < 1
                        || seeds != null && seeds < 1
                ? "--threads-per-run, --max-attempts, --eval-episodes, --parallel and --seeds take numbers ≥ 1" : null;
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    /** Spark deprecates Java 25 before 25.0.3: G1 could move pinned objects and corrupt data (JDK-8377811). */
    static String jdkProblem(Runtime.Version v) {
        return v.feature() == 25 && v.update() < 3
                ? "rlo sweep needs Java 25.0.3 or newer, not " + v + ": on earlier updates G1 can move pinned objects and"
                        + " corrupt Spark's data (JDK-8377811)"
                : null;
    }

    /** Expands and checks the sweep; its new directory, or null after printing the problems or the dry run. */
    private SweepDir plan(PrintWriter stdout) throws IOException {
        Compiler compiler = Compiler.load(file, libraryPath);
        Map<String, List<String>> axes = new LinkedHashMap<>();
        grid.forEach((k, v) -> axes.put(k, split(v)));
        Plan plan = Plan.of(compiler, sweep, new Plan.Changes(axes, seeds, steps));
        if (!plan.problems().isEmpty()) {
            for (Diagnostic d : plan.problems()) {
                stdout.println(Diagnostics.render(d));
            }
            stdout.printf("sweep %s: nothing ran, for not every configuration fits its loop%n", plan.name());
            stdout.flush();
            return null;
        }
        if (dryRun) {
            stdout.printf("sweep %s: %d runs, ranked by %s%n", plan.name(), plan.runs().size(), plan.metric());
            for (Run r : plan.runs()) {
                stdout.println(r.id() + "  rlo train " + file + " " + String.join(" ", r.args()));
            }
            stdout.flush();
            return null;
        }
        return SweepDir.create(out, new SweepDir.Header(plan.name(), file.toAbsolutePath().normalize().toString(),
                libraryPath.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList(), compiler.sourcesHash(),
                plan.metric(), version(), checkpointEvery, evalEpisodes == null ? 10 : evalEpisodes), plan.runs());
    }

    /** {@code NAME=V1,V2}'s values: split at commas outside brackets, so [64,64],[256,256] is two. */
    static List<String> split(String values) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= values.length(); i++) {
            char c = i < values.length() ? values.charAt(i) : ',';
            depth += c == '[' || c == '(' ? 1 : c == ']' || c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                out.add(values.substring(start, i).strip());
                start = i + 1;
            }
        }
        return out;
    }

    private int run(SweepDir dir, PrintWriter stdout, PrintWriter err) throws IOException, InterruptedException {
        Compiler compiler = Compiler.load(Path.of(dir.header.file()), dir.header.libraryPath().stream().map(Path::of).toList());
        if (!compiler.sourcesHash().equals(dir.header.sourcesSha256())) {
            throw new UserError(dir.header.file() + " or a module it imports changed since the sweep was planned; its runs"
                    + " would not be the sweep's: start a new sweep");
        }
        RunTask task = new RunTask(new RunTask.Settings(dir.header.file(), dir.header.libraryPath(),
                dir.runs().toAbsolutePath().toString(), dir.header.checkpointEvery(), dir.header.evalEpisodes()));
        Map<String, Row> rows = dir.results();
        List<Run> todo = todo(dir, rows);
        stdout.printf("sweep %s: %d runs, %d to run, on %s; %s%n", dir.header.name(), dir.runs.size(), todo.size(), master, dir.dir);
        stdout.flush();
        if (!todo.isEmpty() && !runAll(dir, todo, task, rows, stdout, err)) {
            return Main.USER_ERRORS;   /* stopped by a signal: the JVM is exiting */
        }
        Summary summary = Summary.of(dir.runs, rows.values(), dir.header.metric());
        dir.summarise(summary, rows);
        long finished = rows.values().stream().filter(r -> r.status() == Row.Status.finished).count();
        stdout.printf("%nsweep %s: %d of %d runs finished; configurations ranked by the IQM of %s over seeds%n",
                dir.header.name(), finished, dir.runs.size(), dir.header.metric());
        stdout.print(summary.table());
        for (Run r : dir.runs) {
            Row row = rows.get(r.id());
            if (row == null || row.status() != Row.Status.finished) {
                stdout.println(r.id() + " " + r.config() + " seed " + r.seed() + ": "
                        + (row == null ? "not run" : row.status() + (row.message().isEmpty() ? "" : ": " + row.message())));
            }
        }
        stdout.println("results: " + dir.dir + " (sweep.json, runs/, results.csv, summary.csv, curves.png)");
        stdout.flush();
        return finished == dir.runs.size() ? Main.OK : Main.USER_ERRORS;
    }

    /**
     * Runs {@code todo} on Spark, printing and recording each row as its run ends. Returns false when
     * a signal stopped the sweep: the running runs then checkpoint as they stop (their own shutdown
     * hooks), and the jobs Spark cancels on its way down are not recorded, so that --resume continues them.
     */
    private boolean runAll(SweepDir dir, List<Run> todo, RunTask task, Map<String, Row> rows, PrintWriter stdout,
                           PrintWriter err) throws IOException, InterruptedException {
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            err.printf("rlo: sweep interrupted; running runs checkpoint as they stop. Continue with: rlo sweep --resume %s%n",
                    dir.dir);
        });
        Runtime.getRuntime().addShutdownHook(hook);
        /* tasks of the embedded Spark train in this JVM, whose kernels read rlo.threads when first used */
        System.setProperty("rlo.threads", Integer.toString(threads));
        int p = parallel != null ? parallel : Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
        long start = System.nanoTime();
        try (Engine engine = Engine.start(new Engine.Options(master, p, threads, attempts, conf))) {
            stdout.printf(Locale.ROOT, "spark %s ready in %.2f s%n", engine.master(), (System.nanoTime() - start) / 1e9);
            stdout.flush();
            int[] done = {dir.runs.size() - todo.size()};
            engine.run(todo, task, attempts, row -> {
                if (stopping.get()) {
                    return;
                }
                rows.put(row.id(), row);
                stdout.println(line(++done[0], dir.runs.size(), row));
                stdout.flush();
                try {
                    dir.append(row);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
        return !stopping.get();
    }

    /**
     * The runs still to run: not those that finished (a run whose row a killed driver never wrote gets
     * it now, from its files), diverged or ended in an error, nor the failed ones unless retried.
     */
    private List<Run> todo(SweepDir dir, Map<String, Row> rows) throws IOException {
        List<Run> todo = new ArrayList<>();
        for (Run r : dir.runs) {
            Row row = rows.get(r.id());
            Path summary = dir.runs().resolve(r.id()).resolve("summary.json");
            if (Files.exists(summary)) {
                if (row == null || row.status() != Row.Status.finished) {
                    Row found = Row.finished(r, row == null ? 1 : row.attempts(), RunTask.summary(summary),
                            dir.runs().resolve(r.id()).resolve("metrics.csv"), "");
                    rows.put(r.id(), found);
                    dir.append(found);
                }
            } else if (row == null || row.status() == Row.Status.failed && retryFailed) {
                todo.add(r);
            }
        }
        return todo;
    }

    /** {@code [3/20] 003-1a2b3c4d objective=spo eps=0.1 seed 3: eval 487.20 ± 12.10 in 14.8 s (attempt 1, driver/pid 4711)}. */
    static String line(int done, int total, Row row) {
        String what = switch (row.status()) {
            case finished -> String.format(Locale.ROOT, "eval %.2f ± %.2f, final return %.2f in %.1f s", row.evalMean(),
                    row.evalStd(), row.finalReturn(), row.seconds());
            case diverged -> "diverged at step " + row.steps() + ": " + row.message();
            case error, failed -> row.status() + ": " + row.message();
        };
        String where = row.worker().isEmpty() ? "" : ", " + row.worker();
        return String.format(Locale.ROOT, "[%d/%d] %s %s seed %d: %s (attempt %d%s)", done, total, row.id(), row.config(),
                row.seed(), what, row.attempts(), where);
    }

    private static String version() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }
}
