package dev.rlo.runtime.train;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.FileRead;
import dev.rlo.compiler.io.Sha256;
import dev.rlo.runtime.out.Checkpoint;
import dev.rlo.runtime.out.Curve;
import dev.rlo.runtime.out.MetricsCsv;
import dev.rlo.runtime.out.Progress;
import dev.rlo.runtime.out.RunLock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link Experiment}: builds the loop (checking the objective against it first, so that a
 * mismatch fails before anything is written), then iterates until the step budget is spent, writing
 * into the run directory:
 * <ul>
 *   <li>{@code metrics.csv}, a row per iteration;</li>
 *   <li>{@code checkpoint.bin}, atomically, every {@code checkpointEvery} steps, at the end and on Ctrl-C;</li>
 *   <li>{@code curve.png}, the learning curve with the loss and the reports below it, at the end and on Ctrl-C;</li>
 *   <li>{@code summary.json}, the greedy evaluation and the run's totals, at the end.</li>
 * </ul>
 */
public final class Trainer {

    /** How to run: where, whether to resume, how often to checkpoint, how to evaluate, where the bar goes. */
    public record Options(Path out, boolean resume, long checkpointEvery, int evalEpisodes, PrintStream log,
                          boolean terminal, int columns, Backend backend) { }

    /** What a finished run reports. */
    public record Summary(long steps, long episodes, double seconds, double evalMean, double evalStd, int evalEpisodes,
                          double[] actionShare, boolean interrupted) { }

    private final Experiment x;
    private final Options o;
    private final Loop loop;
    private final long budget;
    private final String fingerprint;
    private volatile boolean stop;

    private Trainer(Experiment x, Options o) {
        this.x = x;
        this.o = o;
        this.budget = x.steps();
        this.loop = Loops.build(x, o.backend());
        this.fingerprint = fingerprint(x);
    }

    public static Summary run(Experiment x, Options o) throws IOException {
        return new Trainer(x, o).run();
    }

    /**
     * Checks {@code x} against its loop, environment, network and optimizer as {@link #run} does before
     * training, without compiling kernels or writing anything; throws {@link TrainError} or
     * {@link UserError} for the first mismatch.
     */
    public static void check(Experiment x) {
        Loops.check(x);
    }

    private Summary run() throws IOException {
        Files.createDirectories(o.out());
        try (RunLock lock = RunLock.take(o.out())) {
            return runLocked();
        }
    }

    private Summary runLocked() throws IOException {
        Path csvFile = o.out().resolve("metrics.csv");
        Path ckpt = o.out().resolve("checkpoint.bin");
        MetricsCsv csv;
        double[] seconds = {0};
        if (o.resume()) {
            if (!Files.exists(ckpt)) {
                throw new UserError(o.out() + " has no checkpoint.bin to resume from");
            }
            long[] csvLength = {0};
            Checkpoint.read(ckpt, fingerprint, in -> {
                csvLength[0] = in.readLong();
                seconds[0] = in.readDouble();
                loop.restore(in);
            });
            if (csvLength[0] < 0 || !(seconds[0] >= 0) || Double.isInfinite(seconds[0]) || loop.steps() < 0) {
                throw Checkpoint.damaged(ckpt, "its counters are impossible (step " + loop.steps() + ", " + seconds[0] + " s)");
            }
            csv = MetricsCsv.resume(csvFile, header(), csvLength[0]);
            o.log().printf("resuming %s from step %d (%s)%n", x.name(), loop.steps(), ckpt);
        } else {
            if (Files.exists(ckpt)) {
                throw new UserError(o.out() + " already holds a run; continue it with --resume, or choose another --out");
            }
            csv = MetricsCsv.create(csvFile, header());
        }
        Thread trainer = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                finished.await();
            } catch (InterruptedException e) {
                trainer.interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (csv) {
            return train(csv, ckpt, seconds[0]);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                /* the hook is running: it waits for us */
            }
        }
    }

    private Summary train(MetricsCsv csv, Path ckpt, double secondsBefore) throws IOException {
        Progress bar = new Progress(o.log(), o.terminal(), o.columns(), x.name(), budget, loop.steps());
        ArrayDeque<Double> recent = new ArrayDeque<>();
        long start = System.nanoTime();
        long nextCheckpoint = (loop.steps() / o.checkpointEvery() + 1) * o.checkpointEvery();
        double loss = Double.NaN;
        while (loop.steps() < budget && !stop) {
            long before = loop.steps();
            long t0 = System.nanoTime();
            Map<String, Double> row = loop.iterate((double) before / budget);
            row.put("charts/SPS", (loop.steps() - before) / ((System.nanoTime() - t0) / 1e9));
            csv.append(loop.steps(), row);
            Double r = row.get("charts/episodic_return");
            if (r != null) {
                recent.addLast(r);
                if (recent.size() > Curve.SMOOTH) {
                    recent.removeFirst();
                }
            }
            loss = row.getOrDefault("losses/loss", Double.NaN);
            bar.update(loop.steps(), loop.episodes(), mean(recent), loss);
            if (loop.steps() >= nextCheckpoint && loop.steps() < budget) {
                checkpoint(csv, ckpt, secondsBefore + (System.nanoTime() - start) / 1e9);
                nextCheckpoint = (loop.steps() / o.checkpointEvery() + 1) * o.checkpointEvery();
            }
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        checkpoint(csv, ckpt, seconds);
        Path png = o.out().resolve("curve.png");
        try {
            Curve.write(o.out().resolve("metrics.csv"), png, x.name() + " · " + x.env().name() + " · seed " + x.seed(), budget);
        } catch (IOException e) {
            throw new IOException("cannot write " + png + ": " + FileRead.reason(e), e);
        }
        if (stop && loop.steps() < budget) {
            bar.finish();
            o.log().printf("interrupted at step %d; continue with --resume --out %s%n", loop.steps(), o.out());
            return new Summary(loop.steps(), loop.episodes(), seconds, Double.NaN, Double.NaN, 0, new double[0], true);
        }
        Loop.Evaluation eval = loop.evaluate(o.evalEpisodes(), x.seed() + 1_000_003L);
        double total = java.util.Arrays.stream(eval.actions()).sum();
        double[] share = java.util.Arrays.stream(eval.actions()).mapToDouble(c -> c / total).toArray();
        Summary s = new Summary(loop.steps(), loop.episodes(), seconds, mean(eval.returns()), std(eval.returns()),
                eval.returns().length, share, false);
        Path summary = o.out().resolve("summary.json");
        try {
            Files.writeString(summary, json(s), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot write " + summary + ": " + FileRead.reason(e), e);
        }
        return s;
    }

    private void checkpoint(MetricsCsv csv, Path ckpt, double seconds) throws IOException {
        long length = csv.flush();   // the rows a checkpoint covers reach the disk before it does
        Checkpoint.write(ckpt, fingerprint, out -> {
            out.writeLong(length);
            out.writeDouble(seconds);
            loop.save(out);
        });
    }

    private List<String> header() {
        List<String> h = new java.util.ArrayList<>(loop.columns());
        h.add("charts/SPS");
        return h;
    }

    /** What must not change between a run and its resumption: the source, the settings, the seed, the budget. */
    private static String fingerprint(Experiment x) {
        MessageDigest d = Sha256.digest();
        d.update(x.span().file().text().getBytes(StandardCharsets.UTF_8));
        d.update((x.name() + "|" + x.seed() + "|" + x.steps() + "|" + x.env().texts() + x.loop().texts()
                + x.network().texts() + x.optimizer().texts() + x.hyper()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest(), 0, 12);
    }

    private static String json(Summary s) {
        String share = java.util.Arrays.stream(s.actionShare()).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v))
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        return String.format(Locale.ROOT, """
                {"steps": %d, "episodes": %d, "seconds": %.3f, "eval_mean_return": %.4f, "eval_std_return": %.4f, "eval_episodes": %d, "eval_action_share": %s}
                """, s.steps(), s.episodes(), s.seconds(), s.evalMean(), s.evalStd(), s.evalEpisodes(), share);
    }

    private static double mean(Iterable<Double> v) {
        double sum = 0;
        int n = 0;
        for (double d : v) {
            sum += d;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static double mean(double[] v) {
        return mean(java.util.Arrays.stream(v).boxed().toList());
    }

    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double d : v) {
            s += (d - m) * (d - m);
        }
        return v.length == 0 ? Double.NaN : Math.sqrt(s / v.length);
    }
}
