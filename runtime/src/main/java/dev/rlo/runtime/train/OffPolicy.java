package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.Rng;
import dev.rlo.runtime.env.Envs;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.nn.Adam;
import dev.rlo.runtime.nn.Iqn;
import dev.rlo.runtime.nn.Mlp;
import dev.rlo.runtime.nn.ValueNet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The off-policy value-based loop (DQN, QR-DQN and their variants), as SB3's {@code DQN} and
 * CleanRL's {@code dqn.py}: each iteration acts ε-greedily for {@code train_every} environment steps,
 * storing transitions in a replay buffer, then, once {@code learning_starts} steps are in, takes
 * {@code gradient_steps} optimizer steps on minibatches drawn uniformly from it. The target network
 * is copied from the online one every {@code target_every} environment steps; ε falls linearly from
 * {@code eps_start} to {@code eps_end} over the first {@code eps_fraction} of the budget. The head is
 * Q-values {@code q [B, A]}, quantiles {@code z [B, A, N]} or categorical logits {@code logits [B, A, N]}
 * ({@link OffPolicyContract}); the greedy action maximises Q, the quantiles' mean, or the acting
 * stage's Q-values.
 */
final class OffPolicy extends CountingLoop {

    /** The objective's inputs, per minibatch of B transitions drawn from the replay buffer. */
    static final Contract.Offers<Sample> LOSS = new Contract.Offers<Sample>()
            .add("q", DType.F32, 2, true, "the Q head, Q(s, ·) [B, A]", (m, d) -> Data.floats(m.head, d, m.heads()))
            .add("q_next", DType.F32, 2, false, "the target network's Q(s', ·) [B, A]", (m, d) -> Data.floats(m.next, d, m.nexts()))
            .add("q_next_online", DType.F32, 2, false, "the online network's Q(s', ·) [B, A], for double DQN",
                    (m, d) -> Data.floats(m.nextOnline, d, m.heads()))
            .add("z", DType.F32, 3, true, "the quantile head, Z(s, ·) [B, A, N]", (m, d) -> Data.floats(m.head, d, m.heads()))
            .add("z_next", DType.F32, 3, false, "the target network's Z(s', ·) [B, A, N] (IQN: [B, A, M] at its own levels)",
                    (m, d) -> Data.floats(m.next, d, m.nexts()))
            .add("tau", DType.F32, 1, false, "the quantile levels z was evaluated at, sampled from U(0, 1) (IQN) [N]",
                    (m, d) -> Data.floats(m.tau, d, m.loop.s.atoms()))
            .add("logits", DType.F32, 3, true, "the categorical head's logits over N atoms [B, A, N]", (m, d) -> Data.floats(m.head, d, m.heads()))
            .add("next_logits", DType.F32, 3, false, "the target network's logits at s' [B, A, N]", (m, d) -> Data.floats(m.next, d, m.nexts()))
            .add("action", DType.I32, 1, false, "the action taken", (m, d) -> Data.ints(Data.gather(m.loop.action, m.idx), d, m.b()))
            .add("reward", DType.F32, 1, false, "the reward after the action",
                    (m, d) -> Data.floats(Data.gather(m.loop.reward, m.idx, 1), d, m.b()))
            .add("terminated", DType.BOOL, 1, false, "the episode ended at s' (no bootstrap)",
                    (m, d) -> Data.bools(pick(m.loop.terminated, m.idx), d, m.b()))
            .add("truncated", DType.BOOL, 1, false, "a time limit cut the episode at s' (s' is its true last observation)",
                    (m, d) -> Data.bools(pick(m.loop.truncated, m.idx), d, m.b()))
            .add("done", DType.BOOL, 1, false, "terminated or truncated",
                    (m, d) -> Data.bools(Data.or(pick(m.loop.terminated, m.idx), pick(m.loop.truncated, m.idx)), d, m.b()));

    /** What one minibatch's inputs are made from: its transitions, the head on s, the target's (and online's) on s', and the levels. */
    private record Sample(OffPolicy loop, int[] idx, float[] head, float[] next, float[] nextOnline, float[] tau) {
        long b() {
            return idx.length;
        }

        long[] heads() {
            return loop.contract.atomDim() == null ? new long[] {b(), loop.actions} : new long[] {b(), loop.actions, loop.s.atoms()};
        }

        long[] nexts() {
            return loop.contract.atomDim() == null ? heads() : new long[] {b(), loop.actions, loop.s.nextAtoms()};
        }
    }

    /** The loop's sizes and schedule, and the network's and optimizer's settings. */
    record Setup(int buffer, int batch, int learningStarts, int trainEvery, int gradientSteps, int targetEvery,
                 double epsStart, double epsEnd, double epsFraction, long budget, int atoms, int nextAtoms, boolean iqn, int[] hidden,
                 Mlp.Activation activation, double lr, boolean anneal, double adamEps, double maxGradNorm, long seed) { }

    private final OffPolicyContract contract;
    private final VecEnv env;
    private final Envs.Factory evalEnvs;
    private final Setup s;
    private final ValueNet online;
    private final ValueNet target;
    private final Adam adam;
    private final int envs;
    private final int actions;
    private final int obsSize;

    // the replay buffer, a ring of `buffer` transitions
    private final float[] obs;
    private final float[] nextObs;
    private final int[] action;
    private final float[] reward;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private int size;
    private int at;

    private long targetSyncedAt;

    OffPolicy(OffPolicyContract contract, VecEnv env, Envs.Factory evalEnvs, Setup setup) {
        super(setup.seed());
        this.contract = contract;
        this.env = env;
        this.evalEnvs = evalEnvs;
        this.s = setup;
        this.envs = env.envs();
        this.actions = env.actionSpace().n();
        this.obsSize = env.obsSize();
        Rng init = Rng.stream(setup.seed(), -2);
        this.online = network(setup, init);
        this.target = network(setup, init);
        online.copyTo(target);
        this.adam = new Adam(online.parts(), setup.lr(), 0.9, 0.999, setup.adamEps(), setup.maxGradNorm());
        int n = setup.buffer();
        obs = new float[n * obsSize];
        nextObs = new float[n * obsSize];
        action = new int[n];
        reward = new float[n];
        terminated = new boolean[n];
        truncated = new boolean[n];
    }

    private ValueNet network(Setup setup, Rng init) {
        return setup.iqn() ? new Iqn(obsSize, setup.hidden(), actions, init)
                : ValueNet.of(new Mlp(obsSize, setup.hidden(), actions * setup.atoms(), setup.activation(), 1.0, init));
    }

    /** {@code n} quantile levels from U(0, 1) for an implicit quantile network (none for the others). */
    private float[] levels(ValueNet net, int n) {
        if (!(net instanceof Iqn iqn)) {
            return null;
        }
        float[] tau = new float[n];
        for (int i = 0; i < n; i++) {
            tau[i] = (float) rng.uniform();
        }
        iqn.levels(tau);
        return tau;
    }

    @Override
    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("charts/episodic_return", "charts/episodic_length",
                "charts/epsilon", "charts/learning_rate", "losses/loss"));
        contract.reports().forEach(r -> c.add("losses/" + r));
        c.add("losses/grad_norm");
        return c;
    }

    /** ε at environment step {@code step}: linear from eps_start to eps_end over eps_fraction of the budget. */
    private double epsilon(long step) {
        double f = Math.min(1, step / (s.epsFraction() * s.budget()));
        return s.epsStart() + f * (s.epsEnd() - s.epsStart());
    }

    @Override
    public Map<String, Double> iterate(double progress) {
        Map<String, Double> row = new LinkedHashMap<>();
        collect(row);
        double rate = s.anneal() ? s.lr() * (1 - progress) : s.lr();
        adam.setLearningRate(rate);
        row.put("charts/learning_rate", rate);
        if (steps >= s.learningStarts()) {
            learn(row);
        }
        return row;
    }

    private void collect(Map<String, Double> row) {
        double returns = 0;
        double lengths = 0;
        int ended = 0;
        double[] act = new double[envs];
        long until = steps + s.trainEvery();
        while (steps < until) {
            double eps = epsilon(steps);
            levels(online, s.atoms());
            float[] q = qValues(online.forward(env.obs.clone(), envs), envs);
            for (int e = 0; e < envs; e++) {
                act[e] = rng.uniform() < eps ? rng.below(actions) : Categorical.argmax(q, e * actions, actions);
            }
            float[] before = env.obs.clone();
            env.step(act);
            for (int e = 0; e < envs; e++) {
                System.arraycopy(before, e * obsSize, obs, at * obsSize, obsSize);
                System.arraycopy(env.finalObs, e * obsSize, nextObs, at * obsSize, obsSize);
                action[at] = (int) act[e];
                reward[at] = env.reward[e];
                terminated[at] = env.terminated[e];
                truncated[at] = env.truncated[e];
                at = (at + 1) % s.buffer();
                size = Math.min(size + 1, s.buffer());
                if (env.terminated[e] || env.truncated[e]) {
                    returns += env.endedReturn[e];
                    lengths += env.endedLength[e];
                    ended++;
                }
            }
            steps += envs;
            if (steps - targetSyncedAt >= s.targetEvery()) {
                online.copyTo(target);
                targetSyncedAt = steps;
            }
        }
        episodes += ended;
        row.put("charts/epsilon", epsilon(steps));
        if (ended > 0) {
            row.put("charts/episodic_return", returns / ended);
            row.put("charts/episodic_length", lengths / ended);
        }
    }

    /**
     * Q-values {@code [rows, A]} from the head's outputs: the head itself for {@code q}, the acting
     * stage's value when there is one, else the mean over the last dimension (quantiles).
     */
    private float[] qValues(float[] head, int rows) {
        if (contract.atomDim() == null) {
            return head;
        }
        if (contract.act() != null) {
            Graph.Input in = contract.act().inputs().getFirst();
            return Data.floats(contract.act().apply(Map.of(in.name(),
                    Data.floats(head, in.type().dims(), new long[] {rows, actions, s.atoms()}))));
        }
        int n = s.atoms();
        float[] q = new float[rows * actions];
        for (int r = 0; r < rows * actions; r++) {
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += head[r * n + k];
            }
            q[r] = (float) (sum / n);
        }
        return q;
    }

    private void learn(Map<String, Double> row) {
        StepMetrics metrics = new StepMetrics(contract.reports());
        for (int g = 0; g < s.gradientSteps(); g++) {
            int[] idx = new int[s.batch()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = rng.below(size);
            }
            float[] x = Data.gather(obs, idx, obsSize);
            float[] x2 = Data.gather(nextObs, idx, obsSize);
            levels(target, s.nextAtoms());
            float[] next = target.forward(x2, idx.length);
            float[] nextOnline = Contract.has(contract.loss(), "q_next_online") ? online.forward(x2, idx.length) : null;
            float[] tau = levels(online, s.atoms());
            float[] head = online.forward(x, idx.length);
            CompiledObjective.Result r = contract.loss().runReusing(LOSS.inputs(contract.loss(), new Sample(this, idx, head, next, nextOnline, tau)));
            if (!Double.isFinite(r.loss().item())) {
                throw new NonFiniteLoss(r.loss().item(), steps);
            }
            online.backward(Data.floats(r.grads().get(contract.head())));
            metrics.add(r, adam.step());
        }
        metrics.into(row);
    }

    private static boolean[] pick(boolean[] src, int[] idx) {
        boolean[] out = new boolean[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = src[idx[i]];
        }
        return out;
    }

    @Override
    public Evaluation evaluate(int count, long seed) {
        return GreedyEpisodes.play(evalEnvs.make(count, seed), (obs, act) -> {
            levels(online, s.atoms());
            float[] q = qValues(online.forward(obs, count), count);
            for (int e = 0; e < count; e++) {
                act[e] = Categorical.argmax(q, e * actions, actions);
            }
        });
    }

    @Override
    protected void saveState(DataOutput out) throws IOException {
        out.writeLong(targetSyncedAt);
        env.save(out);
        online.save(out);
        target.save(out);
        adam.save(out);
        out.writeInt(size);
        out.writeInt(at);
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < obsSize; k++) {
                out.writeFloat(obs[i * obsSize + k]);
                out.writeFloat(nextObs[i * obsSize + k]);
            }
            out.writeInt(action[i]);
            out.writeFloat(reward[i]);
            out.writeByte((terminated[i] ? 1 : 0) | (truncated[i] ? 2 : 0));
        }
    }

    @Override
    protected void restoreState(DataInput in) throws IOException {
        targetSyncedAt = in.readLong();
        env.restore(in);
        online.restore(in);
        target.restore(in);
        adam.restore(in);
        size = in.readInt();
        at = in.readInt();
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < obsSize; k++) {
                obs[i * obsSize + k] = in.readFloat();
                nextObs[i * obsSize + k] = in.readFloat();
            }
            action[i] = in.readInt();
            reward[i] = in.readFloat();
            int flags = in.readByte();
            terminated[i] = (flags & 1) != 0;
            truncated[i] = (flags & 2) != 0;
        }
    }
}
