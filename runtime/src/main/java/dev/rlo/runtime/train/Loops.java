package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.runtime.env.Digits;
import dev.rlo.runtime.env.Envs;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.nn.Mlp;
import java.util.List;

/**
 * From a train block's settings to a ready {@link Loop}: reads each setting's arguments with their
 * defaults (spec/runtime.md), compiles the objective and the loop's stages, and checks them against
 * the loop's contract and the environment, so that every mismatch is reported before training starts.
 */
final class Loops {

    private Loops() { }

    /** The loop {@code x} names, its objective compiled and checked against the loop and the environment. */
    static Loop build(Experiment x, Backend backend) {
        return build(x, backend, false);
    }

    /**
     * Checks {@code x} as {@link #build} does, without generating kernels or building the loop: every
     * mismatch {@code rlo train} would report before training, at its value, and nothing else.
     */
    static void check(Experiment x) {
        build(x, new GraphsOnly(), true);
    }

    /** The loop, or null once everything is checked when {@code checkOnly}. */
    private static Loop build(Experiment x, Backend backend, boolean checkOnly) {
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
            return loop.name().equals("group") ? group(x, loss, checkOnly) : preference(x, loss, checkOnly);
        }
        Envs.Factory factory = Envs.factory(x.env());
        int envs = x.env().positive("envs", 1, 1);
        x.env().done();
        VecEnv env = factory.make(envs, x.seed());
        CompiledObjective loss = x.compiler().compile(x.objective().name(), x.hyper(), false, backend);
        return loop.name().equals("on_policy") ? onPolicy(x, backend, env, factory, loss, checkOnly)
                : offPolicy(x, backend, env, factory, loss, checkOnly);
    }

    /** A loop's stage: the fn {@code call} names, of this file, compiled forward with its arguments set. */
    private static CompiledObjective stage(Experiment x, Call call, Backend backend) {
        if (x.compiler().fnDecls().stream().noneMatch(f -> f.name().name().equals(call.name()))) {
            throw new TrainError(call.span(), "no fn `" + call.name() + "` in this file for the " + x.loop().name() + " loop");
        }
        return x.compiler().compileFn(call.name(), call.texts(), false, backend);
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

    private static Loop preference(Experiment x, CompiledObjective loss, boolean checkOnly) {
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
        Net net = Net.of(x.network(), null, null);
        Opt opt = Opt.of(x.optimizer(), 1e-3, false, 1e-8, 1.0);
        if (checkOnly) {
            return null;
        }
        return new Preference(loss, digits, new Preference.Setup(pairs, samples, batch, net.hidden, net.activation,
                opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop group(Experiment x, CompiledObjective loss, boolean checkOnly) {
        Digits digits = task(x);
        Call loop = x.loop();
        int prompts = loop.positive("prompts", 16, 1);
        int samples = loop.positive("samples", 8, 2);   // one sample has no group to compare with
        int epochs = loop.positive("epochs", 1, 1);
        loop.done();
        GroupContract contract = GroupContract.check(x.compiler(), x.objective(), loss);
        Net net = Net.of(x.network(), null, null);
        Opt opt = Opt.of(x.optimizer(), 1e-3, false, 1e-8, 1.0);
        if (checkOnly) {
            return null;
        }
        return new Group(contract, digits, new Group.Setup(prompts, samples, epochs, net.hidden, net.activation,
                opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop onPolicy(Experiment x, Backend backend, VecEnv env, Envs.Factory factory, CompiledObjective loss,
                                 boolean checkOnly) {
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
        CompiledObjective stage = stage(x, stageCall, backend);
        OnPolicyContract contract = OnPolicyContract.check(x.compiler(), x.objective(), loss, stageCall, stage, env);
        Net net = Net.of(x.network(), null, null);
        Opt opt = Opt.of(x.optimizer(), 2.5e-4, true, 1e-5, 0.5);
        if (checkOnly) {
            return null;
        }
        return new OnPolicy(contract, env, factory, new OnPolicy.Setup(horizon, epochs, minibatches, net.hidden,
                net.activation, opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    private static Loop offPolicy(Experiment x, Backend backend, VecEnv env, Envs.Factory factory, CompiledObjective loss,
                                  boolean checkOnly) {
        Call loop = x.loop();
        int buffer = loop.positive("buffer", 100_000, 1);
        int batch = loop.positive("batch", 64, 1);
        int learningStarts = loop.positive("learning_starts", 1000, 0);
        int trainEvery = loop.positive("train_every", 256, 1);
        int gradientSteps = loop.positive("gradient_steps", 128, 1);
        int targetEvery = loop.positive("target_every", 10, 1);
        double epsStart = loop.real("eps_start", 1.0);
        double epsEnd = loop.real("eps_end", 0.04);
        if (epsStart < 0 || epsStart > 1) {
            throw loop.bad("eps_start", "a probability in [0, 1]");
        }
        if (epsEnd < 0 || epsEnd > 1) {
            throw loop.bad("eps_end", "a probability in [0, 1]");
        }
        double epsFraction = loop.real("eps_fraction", 0.16);
        Call actCall = loop.call("act");
        loop.done();
        if (epsFraction <= 0) {
            throw loop.bad("eps_fraction", "a fraction of the budget above 0");
        }
        CompiledObjective act = actCall == null ? null : stage(x, actCall, backend);
        OffPolicyContract contract = OffPolicyContract.check(x.compiler(), x.objective(), loss, actCall, act, env);
        Net net = Net.of(x.network(), contract.atomDim(), contract.nextDim());
        Opt opt = Opt.of(x.optimizer(), 2.3e-3, false, 1e-8, 10);
        if (checkOnly) {
            return null;
        }
        return new OffPolicy(contract, env, factory, new OffPolicy.Setup(buffer, batch, learningStarts, trainEvery,
                gradientSteps, targetEvery, epsStart, epsEnd, epsFraction, x.steps(), net.atoms, net.nextAtoms, contract.iqn(), net.hidden,
                net.activation, opt.lr, opt.anneal, opt.eps, opt.maxGradNorm, x.seed()));
    }

    /** {@code network = mlp(hidden: [64, 64], activation: tanh)}, and the size of a head's extra dimension. */
    private record Net(int[] hidden, Mlp.Activation activation, int atoms, int nextAtoms) {
        /** The trunk, and the sizes of the head's extra dimension and the target's (IQN samples them apart). */
        static Net of(Call net, String atomDim, String nextDim) {
            if (!net.name().equals("mlp")) {
                throw new TrainError(net.span(), "no network `" + net.name() + "`", "the networks are mlp");
            }
            int[] hidden = net.integers("hidden", new int[] {64, 64});
            Mlp.Activation activation = switch (net.word("activation", "tanh")) {
                case "tanh" -> Mlp.Activation.tanh;
                case "relu" -> Mlp.Activation.relu;
                default -> throw net.bad("activation", "tanh or relu");
            };
            int atoms = size(net, atomDim);
            int nextAtoms = nextDim == null || nextDim.equals(atomDim) ? atoms : size(net, nextDim);
            net.done();
            return new Net(hidden, activation, atoms, nextAtoms);
        }

        private static int size(Call net, String dim) {
            if (dim == null) {
                return 1;
            }
            if (!net.has(dim)) {
                throw new TrainError(net.span(), "the network needs the size of the head's dimension `" + dim + "`",
                        "e.g. mlp(hidden: [64, 64], " + dim + ": 32)");
            }
            return net.positive(dim, 1, 1);
        }
    }

    /** {@code optimizer = adam(lr, anneal, eps, max_grad_norm)}, with the loop's defaults. */
    private record Opt(double lr, boolean anneal, double eps, double maxGradNorm) {
        static Opt of(Call opt, double lr, boolean anneal, double eps, double maxGradNorm) {
            if (!opt.name().equals("adam")) {
                throw new TrainError(opt.span(), "no optimizer `" + opt.name() + "`", "the optimizers are adam");
            }
            if (opt.real("lr", lr) <= 0) {
                throw opt.bad("lr", "a learning rate above 0");
            }
            if (opt.real("eps", eps) <= 0) {
                throw opt.bad("eps", "an ε above 0 (Adam divides by √v + ε)");
            }
            Opt o = new Opt(opt.real("lr", lr), opt.bool("anneal", anneal), opt.real("eps", eps),
                    opt.real("max_grad_norm", maxGradNorm));
            opt.done();
            return o;
        }
    }

    /** A backend for checking: it lowers and differentiates (the contracts read the graph's inputs) and runs nothing. */
    private static final class GraphsOnly implements Backend {
        @Override
        public String name() {
            return "check";
        }

        @Override
        public Executable compile(Graph graph) {
            return inputs -> {
                throw new IllegalStateException("a checked graph does not run");
            };
        }
    }
}
