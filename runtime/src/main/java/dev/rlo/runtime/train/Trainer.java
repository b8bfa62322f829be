package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.UserError;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.runtime.env.Digits;
import dev.rlo.runtime.env.Envs;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.nn.Mlp;
import dev.rlo.runtime.out.Checkpoint;
import dev.rlo.runtime.out.Curve;
import dev.rlo.runtime.out.MetricsCsv;
import dev.rlo.runtime.out.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 *   <li>{@code curve.png}, the learning curve, at the end and on Ctrl-C;</li>
 *   <li>{@code summary.json}, the greedy evaluation and the run's totals, at the end.</li>
 * </ul>
 */
public final class Trainer {

    /** How to run: where, whether to resume, how often to checkpoint, how to evaluate, where the bar goes. */
    public record Options(Path out, boolean resume, long checkpointEvery, int evalEpisodes, PrintStream log,
                          boolean terminal, Backend backend) { }

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
        this.loop = build(x, o.backend());
        this.fingerprint = fingerprint(x);
    }

    /** Checks {@code x} against its loop and environment; throws {@link TrainError} at the offending value. */
    public static void check(Experiment x, Backend backend) {
        build(x, backend);
    }

    public static Summary run(Experiment x, Options o) throws IOException {
        return new Trainer(x, o).run();
    }

    private static Loop build(Experiment x, Backend backend) {
        if (x.steps() < 1) {
            throw new UserError("the step budget must be at least 1, not " + x.steps());
        }
        Call loop = x.loop();
        if (!List.of("on_policy", "off_policy", "group", "preference").contains(loop.name())) {
            throw new TrainError(loop.span(), "no loop `" + loop.name() + "`",
                    "the loops are on_policy, off_policy, group, preference");
        }
        if (loop.name().equals("group") || loop.name().equals("preference")) {
            CompiledObjective loss = x.compiler().compile(x.objective().name(), x.hyper(), false, backend);
            return loop.name().equals("group") ? group(x, loss) : preference(x, loss);
        }
        Envs.Factory factory = Envs.factory(x.env());
        int envs = x.env().positive("envs", 1, 1);
        x.env().done();
        VecEnv env = factory.make(envs, x.seed());
        CompiledObjective loss = x.compiler().compile(x.objective().name(), x.hyper(), false, backend);
        return loop.name().equals("on_policy") ? onPolicy(x, backend, env, factory, loss) : offPolicy(x, env, factory, loss);
    }

    /** {@code env = digits(length: 2, base: 10)}, the sequence task of the group and preference loops. */
    private static Digits task(Experiment x) {
        Call task = x.env();
        if (!task.name().equals("digits")) {
            throw new TrainError(task.span(), "the " + x.loop().name() + " loop needs a sequence task, not `" + task.name() + "`",
                    "the tasks are digits(length: 2, base: 10)");
        }
        Digits digits = new Digits(task.positive("length", 2, 1), task.positive("base", 10, 2));
        task.done();
        return digits;
    }

    private static Loop preference(Experiment x, CompiledObjective loss) {
        Digits digits = task(x);
        Call loop = x.loop();
        int pairs = loop.positive("pairs", 512, 1);
        int samples = loop.positive("samples", 8, 2);
        int batch = loop.positive("batch", 64, 1);
        loop.done();
        if (batch > pairs) {
            throw loop.bad("batch", "at most the number of pairs, " + pairs);
        }
        Contract.check(x.compiler(), x.objective(), loss, Preference.LOSS, "the preference loop");
        if (!Contract.has(loss, "logp_w") || !Contract.has(loss, "logp_l")) {
            throw new TrainError(x.objective().span(), "a preference objective trains on both answers of a pair",
                    "give it `logp_w: f32[P] grad` and `logp_l: f32[P] grad`");
        }
        Net net = Net.of(x.network(), null);
        Opt opt = Opt.of(x.optimizer(), 1e-3, false, 1e-8, 1.0);
        return new Preference(loss, digits, new Preference.Setup(pairs, samples, batch, net.hidden, net.activation,
                opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop group(Experiment x, CompiledObjective loss) {
        Digits digits = task(x);
        Call loop = x.loop();
        int prompts = loop.positive("prompts", 16, 1);
        int samples = loop.positive("samples", 8, 1);
        int epochs = loop.positive("epochs", 1, 1);
        loop.done();
        GroupContract contract = GroupContract.check(x.compiler(), x.objective(), loss);
        Net net = Net.of(x.network(), null);
        Opt opt = Opt.of(x.optimizer(), 1e-3, false, 1e-8, 1.0);
        return new Group(contract, digits, new Group.Setup(prompts, samples, epochs, net.hidden, net.activation,
                opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop onPolicy(Experiment x, Backend backend, VecEnv env, Envs.Factory factory, CompiledObjective loss) {
        Call loop = x.loop();
        int horizon = loop.positive("steps", 128, 1);
        int epochs = loop.positive("epochs", 4, 1);
        int minibatches = loop.positive("minibatches", 4, 1);
        Call stageCall = loop.call("advantages");
        if (stageCall == null) {
            throw new TrainError(loop.span(), "on_policy needs its rollout stage: `advantages: FN`",
                    "a fn over [T, E] such as `fn advantages(reward: f32[T,E], ...) -> f32[T,E] { gae(...) }`");
        }
        loop.done();
        if (horizon * env.envs() % minibatches != 0) {
            throw loop.bad("minibatches", "a divisor of steps × envs = " + horizon * env.envs());
        }
        if (x.compiler().fnDecls().stream().noneMatch(f -> f.name().name().equals(stageCall.name()))) {
            throw new TrainError(stageCall.span(), "no fn `" + stageCall.name() + "` in this file for the rollout stage");
        }
        CompiledObjective stage = x.compiler().compileFn(stageCall.name(), stageCall.texts(), false, backend);
        OnPolicyContract contract = OnPolicyContract.check(x.compiler(), x.objective(), loss, stageCall, stage, env);
        Net net = Net.of(x.network(), null);
        Opt opt = Opt.of(x.optimizer(), 2.5e-4, true, 1e-5, 0.5);
        return new OnPolicy(contract, env, factory, new OnPolicy.Setup(horizon, epochs, minibatches, net.hidden,
                net.activation, opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop offPolicy(Experiment x, VecEnv env, Envs.Factory factory, CompiledObjective loss) {
        Call loop = x.loop();
        int buffer = loop.positive("buffer", 100_000, 1);
        int batch = loop.positive("batch", 64, 1);
        int learningStarts = loop.positive("learning_starts", 1000, 0);
        int trainEvery = loop.positive("train_every", 256, 1);
        int gradientSteps = loop.positive("gradient_steps", 128, 1);
        int targetEvery = loop.positive("target_every", 10, 1);
        double epsStart = loop.real("eps_start", 1.0);
        double epsEnd = loop.real("eps_end", 0.04);
        double epsFraction = loop.real("eps_fraction", 0.16);
        loop.done();
        if (epsFraction <= 0) {
            throw loop.bad("eps_fraction", "a fraction of the budget above 0");
        }
        OffPolicyContract contract = OffPolicyContract.check(x.compiler(), x.objective(), loss, env);
        Net net = Net.of(x.network(), contract.atomDim());
        Opt opt = Opt.of(x.optimizer(), 2.3e-3, false, 1e-8, 10);
        return new OffPolicy(contract, env, factory, new OffPolicy.Setup(buffer, batch, learningStarts, trainEvery,
                gradientSteps, targetEvery, epsStart, epsEnd, epsFraction, x.steps(), net.atoms, net.hidden,
                net.activation, opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    /** {@code network = mlp(hidden: [64, 64], activation: tanh)}, and the size of a head's extra dimension. */
    private record Net(int[] hidden, Mlp.Activation activation, int atoms) {
        static Net of(Call net, String atomDim) {
            if (!net.name().equals("mlp")) {
                throw new TrainError(net.span(), "no network `" + net.name() + "`", "the networks are mlp");
            }
            int[] hidden = net.integers("hidden", new int[] {64, 64});
            Mlp.Activation activation = switch (net.word("activation", "tanh")) {
                case "tanh" -> Mlp.Activation.tanh;
                case "relu" -> Mlp.Activation.relu;
                default -> throw net.bad("activation", "tanh or relu");
            };
            int atoms = 1;
            if (atomDim != null) {
                if (!net.has(atomDim)) {
                    throw new TrainError(net.span(), "the network needs the size of the head's dimension `" + atomDim + "`",
                            "e.g. mlp(hidden: [64, 64], " + atomDim + ": 50)");
                }
                atoms = net.positive(atomDim, 1, 1);
            }
            net.done();
            return new Net(hidden, activation, atoms);
        }
    }

    /** {@code optimizer = adam(lr, anneal, eps, max_grad_norm)}, with the loop's defaults. */
    private record Opt(double lr, boolean anneal, double eps, double maxGradNorm) {
        static Opt of(Call opt, double lr, boolean anneal, double eps, double maxGradNorm) {
            if (!opt.name().equals("adam")) {
                throw new TrainError(opt.span(), "no optimizer `" + opt.name() + "`", "the optimizers are adam");
            }
            Opt o = new Opt(opt.real("lr", lr), opt.bool("anneal", anneal), opt.real("eps", eps),
                    opt.real("max_grad_norm", maxGradNorm));
            opt.done();
            return o;
        }
    }

    private Summary run() throws IOException {
        Files.createDirectories(o.out());
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
        Progress bar = new Progress(o.log(), o.terminal(), x.name(), budget, loop.steps());
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
                nextCheckpoint += o.checkpointEvery();
            }
        }
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        checkpoint(csv, ckpt, seconds);
        Curve.write(o.out().resolve("metrics.csv"), "charts/episodic_return", o.out().resolve("curve.png"),
                x.name() + " · " + x.env().name() + " · seed " + x.seed(), budget);
        if (stop) {
            bar.finish();
            o.log().printf("interrupted at step %d; continue with --resume --out %s%n", loop.steps(), o.out());
            return new Summary(loop.steps(), loop.episodes(), seconds, Double.NaN, Double.NaN, 0, new double[0], true);
        }
        Loop.Evaluation eval = loop.evaluate(o.evalEpisodes(), x.seed() + 1_000_003L);
        double total = java.util.Arrays.stream(eval.actions()).sum();
        double[] share = java.util.Arrays.stream(eval.actions()).mapToDouble(c -> c / total).toArray();
        Summary s = new Summary(loop.steps(), loop.episodes(), seconds, mean(eval.returns()), std(eval.returns()),
                eval.returns().length, share, false);
        Files.writeString(o.out().resolve("summary.json"), json(s), StandardCharsets.UTF_8);
        return s;
    }

    private void checkpoint(MetricsCsv csv, Path ckpt, double seconds) throws IOException {
        long length = csv.length();
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
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(x.span().file().text().getBytes(StandardCharsets.UTF_8));
            d.update((x.name() + "|" + x.seed() + "|" + x.steps() + "|" + x.env().texts() + x.loop().texts()
                    + x.network().texts() + x.optimizer().texts() + x.hyper()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
