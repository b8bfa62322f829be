package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.Rng;
import dev.rlo.runtime.env.Envs;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.nn.Adam;
import dev.rlo.runtime.nn.Free;
import dev.rlo.runtime.nn.Mlp;
import dev.rlo.runtime.nn.Parameters;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-policy loop (PPO, A2C and their variants), as CleanRL's {@code ppo.py}:
 * <ol>
 *   <li>roll out {@code steps} steps in each of the E environment copies with the current policy
 *       (actions sampled from {@code softmax(logits)});</li>
 *   <li>run the <em>rollout stage</em>, an rlo fn over {@code [T, E]} named by {@code advantages:},
 *       to get the advantages; the returns are advantages + values;</li>
 *   <li>for {@code epochs} epochs, shuffle the T·E samples into {@code minibatches} minibatches and
 *       take one optimizer step on the objective for each.</li>
 * </ol>
 * The networks are separate MLPs for the policy ({@code logits}) and the value ({@code value}), as
 * CleanRL and SB3 use for classic control. The stage and the objective may ask for the inputs of
 * {@link #STAGE} and {@link #LOSS} (or {@link #CONTINUOUS_LOSS}), which {@link OnPolicyContract} checks.
 */
final class OnPolicy extends CountingLoop {

    /** The rollout stage's inputs, each {@code [T, E]}, made from the rollout. */
    static final Contract.Offers<OnPolicy> STAGE = new Contract.Offers<OnPolicy>()
            .add("reward", DType.F32, 2, false, "r_t, the reward after acting at step t", (l, d) -> Data.floats(l.reward, d, l.horizon, l.envs))
            .add("value", DType.F32, 2, false, "V(s_t) from the value head", (l, d) -> Data.floats(l.value, d, l.horizon, l.envs))
            .add("next_value", DType.F32, 2, false, "V(s_{t+1}) of the true next observation, also at a truncation",
                    (l, d) -> Data.floats(l.nextValue, d, l.horizon, l.envs))
            .add("terminated", DType.BOOL, 2, false, "the episode ended at t (no bootstrap)", (l, d) -> Data.bools(l.terminated, d, l.horizon, l.envs))
            .add("truncated", DType.BOOL, 2, false, "a time limit cut the episode at t", (l, d) -> Data.bools(l.truncated, d, l.horizon, l.envs))
            .add("done", DType.BOOL, 2, false, "terminated or truncated",
                    (l, d) -> Data.bools(Data.or(l.terminated, l.truncated), d, l.horizon, l.envs));

    /** The objective's inputs, per minibatch of B samples; A = the number of discrete actions. */
    static final Contract.Offers<Minibatch> LOSS = new Contract.Offers<Minibatch>()
            .add("logits", DType.F32, 2, true, "the policy head's logits [B, A]", (m, d) -> Data.floats(m.policy, d, m.b(), m.loop.actions))
            .add("value", DType.F32, 1, true, "the value head's V(s)", (m, d) -> Data.floats(m.value, d, m.b()))
            .add("action", DType.I32, 1, false, "the action taken", (m, d) -> Data.ints(indices(Data.gather(m.loop.action, m.idx, 1)), d, m.b()))
            .add("old_logp", DType.F32, 1, false, "log π_old(a|s) when the action was taken", (m, d) -> m.column(m.loop.logp, d))
            .add("old_value", DType.F32, 1, false, "V_old(s) when the action was taken", (m, d) -> m.column(m.loop.value, d))
            .add("old_logits", DType.F32, 2, false, "the policy's logits when the action was taken [B, A]",
                    (m, d) -> m.rows(m.loop.logits, d))
            .add("adv", DType.F32, 1, false, "the rollout stage's advantage", (m, d) -> m.column(m.adv, d))
            .add("ret", DType.F32, 1, false, "adv + old_value, the return target", (m, d) -> m.column(m.ret, d))
            .add("reward", DType.F32, 1, false, "the reward after the action", (m, d) -> m.column(m.loop.reward, d));

    /** The objective's inputs, per minibatch of B samples, for D-dimensional continuous actions. */
    static final Contract.Offers<Minibatch> CONTINUOUS_LOSS = new Contract.Offers<Minibatch>()
            .add("mu", DType.F32, 2, true, "the Gaussian policy's mean [B, D]", (m, d) -> Data.floats(m.policy, d, m.b(), m.loop.actions))
            .add("log_std", DType.F32, 1, true, "the policy's state-independent log standard deviation [D]",
                    (m, d) -> Data.floats(m.loop.logStd.params(), d, m.loop.actions))
            .add(LOSS, "value")
            .add("action", DType.F32, 2, false, "the action taken [B, D], before the environment clips it",
                    (m, d) -> m.rows(m.loop.action, d))
            .add("old_logp", DType.F32, 1, false, "log π_old(a|s) when the action was taken (summed over D)", LOSS.get("old_logp").value())
            .add(LOSS, "old_value", "adv", "ret", "reward");

    /** What one minibatch's inputs are made from: its samples, the heads' outputs on them, and the stage's advantages and returns over all. */
    private record Minibatch(OnPolicy loop, int[] idx, float[] policy, float[] value, float[] adv, float[] ret) {
        long b() {
            return idx.length;
        }

        /** Entries {@code idx} of {@code all}, one per sample of the rollout: {@code [B]}. */
        Tensor column(float[] all, List<String> dims) {
            return Data.floats(Data.gather(all, idx, 1), dims, b());
        }

        /** Rows {@code idx} of {@code all}, one of A (or D) per sample of the rollout: {@code [B, A]}. */
        Tensor rows(float[] all, List<String> dims) {
            return Data.floats(Data.gather(all, idx, loop.actions), dims, b(), loop.actions);
        }
    }

    private final VecEnv env;
    private final Envs.Factory evalEnvs;
    private final OnPolicyContract contract;
    private final CompiledObjective loss;
    private final CompiledObjective stage;
    private final Mlp actor;
    private final Mlp critic;
    private final Free logStd;
    private final boolean continuous;
    private final Adam adam;
    private final int horizon;
    private final int envs;
    private final int epochs;
    private final int minibatches;
    private final int actions;
    private final int obsSize;
    private final double lr;
    private final boolean anneal;

    // the rollout, [T, E] row-major; obs [T, E, obsSize]
    private final float[] obs;
    private final float[] action;     // [T, E] action indices, or [T, E, D] continuous actions
    private final float[] logp;
    private final float[] value;
    private final float[] nextValue;
    private final float[] reward;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final float[] logits;


    OnPolicy(OnPolicyContract contract, VecEnv env, Envs.Factory evalEnvs, Setup setup) {
        super(setup.seed);
        this.contract = contract;
        this.env = env;
        this.evalEnvs = evalEnvs;
        this.loss = contract.loss();
        this.stage = contract.stage();
        this.horizon = setup.horizon;
        this.epochs = setup.epochs;
        this.minibatches = setup.minibatches;
        this.envs = env.envs();
        this.continuous = contract.continuous();
        this.actions = continuous ? env.actionSpace().dim() : env.actionSpace().n();
        this.obsSize = env.obsSize();
        Rng init = Rng.stream(setup.seed, -2);
        this.actor = new Mlp(obsSize, setup.hidden, actions, setup.activation, 0.01, init);
        this.critic = new Mlp(obsSize, setup.hidden, 1, setup.activation, 1.0, init);
        this.logStd = new Free(continuous ? actions : 0, 0f);
        List<Parameters> trained = new ArrayList<>(List.of(actor));
        if (contract.hasCritic()) {
            trained.add(critic);
        }
        if (contract.hasLogStd()) {
            trained.add(logStd);
        }
        this.adam = new Adam(trained, setup.lr, 0.9, 0.999, setup.adamEps, setup.maxGradNorm);
        this.lr = setup.lr;
        this.anneal = setup.anneal;
        int n = horizon * envs;
        obs = new float[n * obsSize];
        action = new float[n * (continuous ? actions : 1)];
        logp = new float[n];
        value = new float[n];
        nextValue = new float[n];
        reward = new float[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
        logits = new float[n * actions];
        if (n % minibatches != 0) {
            throw new IllegalStateException("checked by the contract");
        }
    }

    /** The loop's sizes and the network's and optimizer's settings. */
    record Setup(int horizon, int epochs, int minibatches, int[] hidden, Mlp.Activation activation,
                 double lr, boolean anneal, double adamEps, double maxGradNorm, long seed) { }

    @Override
    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("charts/episodic_return", "charts/episodic_length",
                "charts/learning_rate", "losses/loss"));
        for (String r : contract.reports()) {
            c.add("losses/" + r);
        }
        c.add("losses/grad_norm");
        return c;
    }

    @Override
    public Map<String, Double> iterate(double progress) {
        Map<String, Double> row = new LinkedHashMap<>();
        rollout(row);
        float[] adv = advantages();
        float[] ret = new float[adv.length];
        for (int i = 0; i < adv.length; i++) {
            ret[i] = adv[i] + value[i];
        }
        double rate = anneal ? lr * (1 - progress) : lr;
        adam.setLearningRate(rate);
        row.put("charts/learning_rate", rate);
        learn(adv, ret, row);
        return row;
    }

    private void rollout(Map<String, Double> row) {
        double returns = 0;
        double lengths = 0;
        int ended = 0;
        int width = continuous ? actions : 1;
        double[] act = new double[envs * width];
        float[] v = new float[envs];
        for (int t = 0; t < horizon; t++) {
            int at = t * envs;
            System.arraycopy(env.obs, 0, obs, at * obsSize, envs * obsSize);
            float[] lg = actor.forward(env.obs.clone(), envs);
            System.arraycopy(lg, 0, logits, at * actions, envs * actions);
            if (contract.hasCritic()) {
                v = critic.forward(env.obs.clone(), envs);
            }
            for (int e = 0; e < envs; e++) {
                if (continuous) {
                    logp[at + e] = (float) sampleGaussian(lg, e, act, (at + e) * actions);
                } else {
                    int a = Categorical.sample(lg, e * actions, actions, rng);
                    action[at + e] = a;
                    logp[at + e] = (float) Categorical.logProb(lg, e * actions, actions, a);
                    act[e] = a;
                }
                value[at + e] = v[e];
            }
            env.step(act);
            if (contract.hasCritic()) {
                float[] nv = critic.forward(env.finalObs.clone(), envs);
                System.arraycopy(nv, 0, nextValue, at, envs);
            }
            for (int e = 0; e < envs; e++) {
                reward[at + e] = env.reward[e];
                terminated[at + e] = env.terminated[e];
                truncated[at + e] = env.truncated[e];
                if (env.terminated[e] || env.truncated[e]) {
                    returns += env.endedReturn[e];
                    lengths += env.endedLength[e];
                    ended++;
                }
            }
        }
        steps += (long) horizon * envs;
        episodes += ended;
        if (ended > 0) {
            row.put("charts/episodic_return", returns / ended);
            row.put("charts/episodic_length", lengths / ended);
        }
    }

    /**
     * Draws copy e's action from N(mu, exp(log_std)²) per dimension into {@code act} and
     * {@code action[to ..]}; returns its log-density, summed over the dimensions, at the f32 action kept.
     */
    private double sampleGaussian(float[] mu, int e, double[] act, int to) {
        double logDensity = 0;
        for (int d = 0; d < actions; d++) {
            double std = Math.exp(logStd.params()[d]);
            float a = (float) (mu[e * actions + d] + std * rng.normal());
            act[e * actions + d] = a;
            action[to + d] = a;
            double z = (a - mu[e * actions + d]) / std;
            logDensity += -0.5 * z * z - Math.log(std) - 0.5 * Math.log(2 * Math.PI);
        }
        return logDensity;
    }

    /** The rollout stage over [T, E]. */
    private float[] advantages() {
        return Data.floats(stage.apply(STAGE.inputs(stage, this)));
    }

    private void learn(float[] adv, float[] ret, Map<String, Double> row) {
        int n = horizon * envs;
        int size = n / minibatches;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        StepMetrics metrics = new StepMetrics(contract.reports());
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order);
            for (int m = 0; m < minibatches; m++) {
                int[] idx = java.util.Arrays.copyOfRange(order, m * size, (m + 1) * size);
                float[] x = Data.gather(obs, idx, obsSize);
                float[] lg = actor.forward(x, size);
                float[] v = contract.hasCritic() ? critic.forward(x, size) : null;
                CompiledObjective.Result r = loss.runReusing((continuous ? CONTINUOUS_LOSS : LOSS).inputs(loss, new Minibatch(this, idx, lg, v, adv, ret)));
                if (!Double.isFinite(r.loss().item())) {
                    throw new NonFiniteLoss(r.loss().item(), steps);
                }
                actor.backward(Data.floats(r.grads().get(continuous ? "mu" : "logits")));
                if (contract.hasLogStd()) {
                    System.arraycopy(Data.floats(r.grads().get("log_std")), 0, logStd.grad(), 0, actions);
                }
                if (contract.hasCritic()) {
                    critic.backward(Data.floats(r.grads().get("value")));
                }
                metrics.add(r, adam.step());
            }
        }
        metrics.into(row);
    }

    @Override
    public Evaluation evaluate(int count, long seed) {
        return GreedyEpisodes.play(evalEnvs.make(count, seed), (obs, act) -> {
            float[] out = actor.forward(obs, count);
            for (int e = 0; e < count; e++) {
                if (continuous) {
                    for (int d = 0; d < actions; d++) {
                        act[e * actions + d] = out[e * actions + d];   // the mean: the greedy continuous action
                    }
                } else {
                    act[e] = Categorical.argmax(out, e * actions, actions);
                }
            }
        });
    }

    @Override
    protected void saveState(DataOutput out) throws IOException {
        env.save(out);
        actor.save(out);
        critic.save(out);
        logStd.save(out);
        adam.save(out);
    }

    @Override
    protected void restoreState(DataInput in) throws IOException {
        env.restore(in);
        actor.restore(in);
        critic.restore(in);
        logStd.restore(in);
        adam.restore(in);
    }

    // ---- arrays ---------------------------------------------------------------------------------

    private static int[] indices(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (int) a[i];
        }
        return out;
    }

    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.below(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
