package dev.rlo.cli;

import dev.rlo.cli.registry.Backends;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.runtime.sweep.Metric;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import dev.rlo.runtime.sweep.Summary;
import dev.rlo.runtime.train.Experiment;
import dev.rlo.runtime.train.TrainError;
import dev.rlo.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code rlo train FILE}: runs the file's train block (spec/cli.md#train, spec/runtime.md). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Run the experiment of a train block: progress bar, metrics.csv, curve.png, checkpoints.",
                "Writes into runs/NAME__seedS__TIME unless --out is given."})
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The .rlo file with the train block.")
    Path file;

    @Option(names = "--train", paramLabel = "NAME", description = "The train block (needed when the file has several).")
    String train;

    @Option(names = "--steps", paramLabel = "N", description = "Override the environment-step budget.")
    Long steps;

    @Option(names = "--seed", paramLabel = "N", description = "Override the seed.")
    Long seed;

    @Option(names = "--seeds", paramLabel = "N", description = "Run seeds 1 to N, one after another, and summarise them"
            + " (IQM with a 95%% bootstrap CI); with --out, into DIR/seedS.")
    Integer seeds;

    @Option(names = "--objective", paramLabel = "NAME",
            description = "Train this objective of the file instead of the block's (its hyper-parameters from --set).")
    String objective;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Override a value (repeatable): loop.epochs=10, optimizer.lr=1e-3, or a hyper-parameter of the objective: eps=0.1.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "The run directory (default: a new one under runs/).")
    Path out;

    @Option(names = "--resume", description = "Continue from the run's last checkpoint (with --out, or the newest run of this block and seed).")
    boolean resume;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "Checkpoint interval in environment steps (default: a tenth of the budget).")
    Long checkpointEvery;

    @Option(names = "--eval-episodes", paramLabel = "N", description = "Greedy evaluation episodes at the end (default: ${DEFAULT-VALUE}).")
    int evalEpisodes = 10;

    @Option(names = "--backend", paramLabel = "NAME", description = "The backend: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Backends backend = Backends.cpu;

    @Option(names = "--device", paramLabel = "SPEC", description = "The opencl device (number or part of its name) or cuda device number.")
    String device;

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    List<Path> libraryPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!file.toFile().isFile()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
        }
        if (evalEpisodes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--eval-episodes must be at least 1");
        }
        if (seeds != null && (seeds < 1 || seed != null || resume)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    seeds < 1 ? "--seeds must be at least 1" : "--seeds runs seeds 1 to N: it takes neither --seed nor --resume");
        }
        try {
            Compiler compiler = Compiler.load(file, libraryPath);
            Backend b = backend.create(device);
            if (seeds == null) {
                Experiment x = experiment(compiler, seed);
                train(x, out != null ? out : resume ? newest(x) : fresh(x), b, stdout);
                return Main.OK;
            }
            List<Row> rows = new ArrayList<>();
            List<Run> plan = new ArrayList<>();
            for (long s = 1; s <= seeds; s++) {
                Experiment x = experiment(compiler, s);
                Run run = new Run("seed" + s, x.name(), x.name(), objective, set, s, x.steps());
                Path dir = out != null ? out.resolve("seed" + s) : fresh(x);
                Trainer.Summary summary = train(x, dir, b, stdout);
                if (summary.interrupted()) {
                    return Main.OK;
                }
                plan.add(run);
                rows.add(Row.finished(run, 1, summary, dir.resolve("metrics.csv"), "local"));
            }
            stdout.print(Summary.of(plan, rows, Metric.DEFAULT).table());
            return Main.OK;
        } catch (Compiler.CheckFailed e) {
            stdout.print(e.diagnostics().toText());
            stdout.flush();
            return Main.USER_ERRORS;
        } catch (TrainError e) {
            stdout.print(e.render());
            stdout.println();
            stdout.flush();
            return Main.USER_ERRORS;
        } catch (UserError e) {
            err.println("rlo: " + e.getMessage());
            return Main.USER_ERRORS;
        } catch (IOException e) {
            err.println("rlo: " + e.getMessage());
            return Main.USER_ERRORS;
        }
    }

    private Experiment experiment(Compiler compiler, Long seed) {
        return Experiment.of(compiler, train, new Experiment.Overrides(objective, set, Map.of(), seed, steps));
    }

    /** Trains {@code x} into {@code dir} and prints its result line; returns its summary. */
    private Trainer.Summary train(Experiment x, Path dir, Backend b, PrintWriter stdout) throws IOException {
        long every = checkpointEvery != null ? checkpointEvery : Math.max(1, x.steps() / 10);
        if (every < 1) {
            throw new UserError("--checkpoint-every must be at least 1");
        }
        /* on a terminal the bar is redrawn in place on stdout (the launcher filters stderr by lines);
           otherwise it is a line per tenth of the budget on stderr, away from the results */
        boolean terminal = System.console() != null && System.console().isTerminal();
        PrintStream log = terminal ? System.out : System.err;
        Trainer.Summary s = Trainer.run(x, new Trainer.Options(dir, resume, every, evalEpisodes, log, terminal,
                terminal ? columns() : 0, b));
        if (!s.interrupted()) {
            stdout.printf(Locale.ROOT, "%s: %d steps, %d episodes in %.1f s; greedy evaluation: mean return %.2f ± %.2f"
                            + " over %d episodes%s%n", x.name() + (seeds == null ? "" : " seed " + x.seed()), s.steps(),
                    s.episodes(), s.seconds(), s.evalMean(), s.evalStd(), s.evalEpisodes(), shares(s.actionShare()));
            stdout.println("run: " + dir + " (metrics.csv, curve.png, checkpoint.bin, summary.json)");
        }
        stdout.flush();
        return s;
    }

    /** The terminal's width from {@code stty size} on /dev/tty, or 0 when it cannot be had. */
    private static int columns() {
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty")).start();
            String[] size = new String(p.getInputStream().readAllBytes()).trim().split("\\s+");
            return p.waitFor() == 0 && size.length == 2 ? Integer.parseInt(size[1]) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {@code ; actions chosen 0: 97%, 1: 3%}, or nothing for continuous actions. */
    private static String shares(double[] share) {
        StringBuilder out = new StringBuilder(share.length == 0 ? "" : "; actions chosen ");
        for (int a = 0; a < share.length; a++) {
            out.append(a == 0 ? "" : ", ").append(a).append(": ").append(Math.round(share[a] * 100)).append('%');
        }
        return out.toString();
    }

    private static Path fresh(Experiment x) {
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", x.name() + "__seed" + x.seed() + "__" + time);
    }

    /** The newest run of this block and seed with a checkpoint. */
    private static Path newest(Experiment x) throws IOException {
        Path runs = Path.of("runs");
        String prefix = x.name() + "__seed" + x.seed() + "__";
        if (Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                var found = dirs.filter(d -> d.getFileName().toString().startsWith(prefix))
                        .filter(d -> Files.exists(d.resolve("checkpoint.bin")))
                        .max(Comparator.comparing(d -> d.getFileName().toString()));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new UserError("no run of " + x.name() + " with seed " + x.seed() + " under runs/ to resume; give its --out");
    }
}
