package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.Rng;
import dev.rlo.runtime.env.Digits;
import dev.rlo.runtime.nn.Adam;
import dev.rlo.runtime.nn.Mlp;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group-sampling loop (GRPO, QAE and their variants), as TRL's {@code GRPOTrainer} on a toy
 * scale: each iteration draws {@code prompts} prompts, samples {@code samples} completions of each
 * token by token from the policy, scores them with the task's verifier, then takes {@code epochs}
 * optimizer steps on the whole group batch. {@code ref_logp} comes from a frozen copy of the initial
 * policy. The policy is an MLP over {@link Digits#context}; a {@code logp} head is differentiated
 * through the log-softmax by the loop. Steps are completions: the budget counts sampled answers.
 */
final class Group extends CountingLoop {

    /**
     * The objective's inputs, for G prompts × K completions × L tokens: the policy's log-probability
     * of each token (or its logits over the vocabulary V), the same at sampling time and under the
     * frozen reference policy, the mask of real tokens, the tokens, and each completion's reward.
     */
    static final Contract.Offers<Batch> LOSS = new Contract.Offers<Batch>()
            .add("logp", DType.F32, 3, true, "log π(token | prompt, earlier tokens) [G, K, L]",
                    (b, d) -> Data.floats(b.loop.actor.tokenLogp(b.logits, b.tokens), d, b.gkl()))
            .add("logits", DType.F32, 4, true, "the policy's logits over the vocabulary [G, K, L, V]",
                    (b, d) -> Data.floats(b.logits, d, b.loop.s.prompts(), b.loop.s.samples(), b.loop.len, b.loop.vocab))
            .add("old_logp", DType.F32, 3, false, "log π_old(token | ...) when the completion was sampled [G, K, L]",
                    (b, d) -> Data.floats(b.oldLogp, d, b.gkl()))
            .add("ref_logp", DType.F32, 3, false, "log π_ref(token | ...) under the frozen initial policy [G, K, L]",
                    (b, d) -> Data.floats(b.refLogp, d, b.gkl()))
            .add("mask", DType.BOOL, 3, false, "which tokens are real (all, for fixed-length tasks) [G, K, L]",
                    (b, d) -> Data.bools(filled(b.tokens.length), d, b.gkl()))
            .add("token", DType.I32, 3, false, "the sampled tokens [G, K, L]", (b, d) -> Data.ints(b.tokens, d, b.gkl()))
            .add("reward", DType.F32, 2, false, "each completion's verified reward [G, K]",
                    (b, d) -> Data.floats(b.reward, d, b.loop.s.prompts(), b.loop.s.samples()));

    /** What one epoch's inputs are made from: the policy's logits now, and the group's samples. */
    private record Batch(Group loop, float[] logits, int[] tokens, float[] oldLogp, float[] refLogp, float[] reward) {
        long[] gkl() {
            return new long[] {loop.s.prompts(), loop.s.samples(), loop.len};
        }
    }

    record Setup(int prompts, int samples, int epochs, int[] hidden, Mlp.Activation activation, double lr,
                 boolean anneal, double adamEps, double maxGradNorm, long seed) { }

    private final GroupContract contract;
    private final Digits task;
    private final Setup s;
    private final SequencePolicy actor;
    private final SequencePolicy reference;
    private final Adam adam;
    private final int len;
    private final int vocab;


    Group(GroupContract contract, Digits task, Setup setup) {
        super(setup.seed());
        this.contract = contract;
        this.task = task;
        this.s = setup;
        this.len = task.length();
        this.vocab = task.base();
        this.actor = new SequencePolicy(task, setup.hidden(), setup.activation(), Rng.stream(setup.seed(), -2));
        this.reference = new SequencePolicy(task, setup.hidden(), setup.activation(), Rng.stream(setup.seed(), -2));
        this.adam = new Adam(List.of(actor.net), setup.lr(), 0.9, 0.999, setup.adamEps(), setup.maxGradNorm());
    }

    @Override
    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("charts/episodic_return", "charts/learning_rate", "losses/loss"));
        contract.reports().forEach(r -> c.add("losses/" + r));
        c.add("losses/grad_norm");
        return c;
    }

    @Override
    public Map<String, Double> iterate(double progress) {
        int n = s.prompts() * s.samples();
        int[] target = new int[n];
        for (int g = 0; g < s.prompts(); g++) {
            int t = task.prompt(rng);
            Arrays.fill(target, g * s.samples(), (g + 1) * s.samples(), t);
        }
        int[] tokens = new int[n * len];
        float[] oldLogp = new float[n * len];
        actor.write(target, tokens, oldLogp, rng);
        float[] reward = new float[n];
        double pass = 0;
        for (int i = 0; i < n; i++) {
            reward[i] = (float) task.reward(target[i], tokens, i * len);
            pass += reward[i];
        }
        float[] x = actor.contexts(target, tokens);
        float[] refLogp = Contract.has(contract.loss(), "ref_logp") ? reference.tokenLogp(reference.net.forward(x, n * len), tokens) : null;
        double rate = s.anneal() ? s.lr() * (1 - progress) : s.lr();
        adam.setLearningRate(rate);
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("charts/episodic_return", pass / n);
        row.put("charts/learning_rate", rate);
        StepMetrics metrics = new StepMetrics(contract.reports());
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            float[] logits = actor.net.forward(x, n * len);
            CompiledObjective.Result r = contract.loss().runReusing(LOSS.inputs(contract.loss(), new Batch(this, logits, tokens, oldLogp, refLogp, reward)));
            if (!Double.isFinite(r.loss().item())) {
                throw new NonFiniteLoss(r.loss().item(), steps);
            }
            float[] g = Data.floats(r.grads().get(contract.head()));
            actor.net.backward(contract.head().equals("logp") ? actor.throughLogSoftmax(g, logits, tokens) : g);
            metrics.add(r, adam.step());
        }
        metrics.into(row);
        steps += n;
        episodes += n;
        return row;
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    @Override
    public Evaluation evaluate(int count, long seed) {
        return actor.evaluate(count, seed);
    }

    @Override
    protected void saveState(DataOutput out) throws IOException {
        actor.net.save(out);   // the reference is the seed's initial policy, never trained: nothing to save
        adam.save(out);
    }

    @Override
    protected void restoreState(DataInput in) throws IOException {
        actor.net.restore(in);
        adam.restore(in);
    }
}
