package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.tensor.Tensor;
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
            CompiledObjective.Result r = contract.loss().run(inputs(logits, tokens, oldLogp, refLogp, reward));
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

    private Map<String, Tensor> inputs(float[] logits, int[] tokens, float[] oldLogp, float[] refLogp, float[] reward) {
        long[] gkl = {s.prompts(), s.samples(), len};
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Graph.Input input : contract.loss().inputs()) {
            List<String> dims = input.type().dims();
            in.put(input.name(), switch (input.name()) {
                case "logp" -> Data.floats(actor.tokenLogp(logits, tokens), dims, gkl);
                case "logits" -> Data.floats(logits, dims, new long[] {s.prompts(), s.samples(), len, vocab});
                case "old_logp" -> Data.floats(oldLogp, dims, gkl);
                case "ref_logp" -> Data.floats(refLogp, dims, gkl);
                case "mask" -> Data.bools(filled(tokens.length), dims, gkl);
                case "token" -> Data.ints(tokens, dims, gkl);
                case "reward" -> Data.floats(reward, dims, new long[] {s.prompts(), s.samples()});
                default -> throw new IllegalStateException("checked by the contract: " + input.name());
            });
        }
        return in;
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
