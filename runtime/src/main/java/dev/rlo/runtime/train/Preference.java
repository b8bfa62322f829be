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
 * The offline preference loop (DPO, IPO and their variants), as TRL's {@code DPOTrainer} on a toy
 * scale. Before training, the frozen reference policy (the initial one) answers prompts of the task,
 * {@code samples} times each, until {@code pairs} prompts have a passing answer (chosen, w) and a
 * failing one (rejected, l). Each iteration is one epoch over the pairs, shuffled, in minibatches of
 * {@code batch}; the step budget counts pairs trained on. The heads are the sequence log-probabilities
 * (sums over the L tokens) of the chosen and the rejected answers.
 */
final class Preference extends CountingLoop {

    /** The objective's inputs, per minibatch of P pairs. */
    static final Contract.Offers<Pairs> LOSS = new Contract.Offers<Pairs>()
            .add("logp_w", DType.F32, 1, true, "log π(chosen answer | prompt), summed over its tokens [P]", (m, d) -> Data.floats(m.seqW, d, m.p()))
            .add("logp_l", DType.F32, 1, true, "log π(rejected answer | prompt), summed over its tokens [P]", (m, d) -> Data.floats(m.seqL, d, m.p()))
            .add("ref_w", DType.F32, 1, false, "the same under the frozen reference policy [P]",
                    (m, d) -> Data.floats(Data.gather(m.loop.refW, m.idx, 1), d, m.p()))
            .add("ref_l", DType.F32, 1, false, "the same under the frozen reference policy [P]",
                    (m, d) -> Data.floats(Data.gather(m.loop.refL, m.idx, 1), d, m.p()));

    /** What one minibatch's inputs are made from: its pairs and the policy's sequence log-probabilities of both answers. */
    private record Pairs(Preference loop, int[] idx, float[] seqW, float[] seqL) {
        long p() {
            return idx.length;
        }
    }

    record Setup(int pairs, int samples, int batch, int[] hidden, Mlp.Activation activation, double lr,
                 boolean anneal, double adamEps, double maxGradNorm, long seed) { }

    private final CompiledObjective loss;
    private final List<String> reports;
    private final Setup s;
    private final SequencePolicy actor;
    private final Adam adam;
    private final int len;
    private final long evalSeed;

    // the pairs: prompt, chosen and rejected tokens, and the reference's sequence log-probabilities
    private final int[] prompt;
    private final int[] chosen;
    private final int[] rejected;
    private final float[] refW;
    private final float[] refL;


    Preference(CompiledObjective loss, Digits task, Setup setup) {
        super(setup.seed());
        this.loss = loss;
        this.reports = Contract.reports(loss);
        this.s = setup;
        this.len = task.length();
        this.actor = new SequencePolicy(task, setup.hidden(), setup.activation(), Rng.stream(setup.seed(), -2));
        this.adam = new Adam(List.of(actor.net), setup.lr(), 0.9, 0.999, setup.adamEps(), setup.maxGradNorm());
        this.evalSeed = setup.seed() + 77;
        int p = setup.pairs();
        prompt = new int[p];
        chosen = new int[p * len];
        rejected = new int[p * len];
        refW = new float[p];
        refL = new float[p];
        collect(task, Rng.stream(setup.seed(), -3));
    }

    /** Pairs from the initial (reference) policy's own answers; the loop fails if the task gives too few. */
    private void collect(Digits task, Rng sampling) {
        int k = s.samples();
        int found = 0;
        for (int tries = 0; found < s.pairs(); tries++) {
            if (tries > 1000L * s.pairs()) {
                throw new dev.rlo.compiler.base.UserError("the reference policy found " + found + " preference pairs in "
                        + tries + " prompts, not " + s.pairs() + "; raise `samples`");
            }
            int[] target = new int[k];
            Arrays.fill(target, task.prompt(sampling));
            int[] tokens = new int[k * len];
            float[] logp = new float[k * len];
            actor.write(target, tokens, logp, sampling);
            int w = -1;
            int l = -1;
            for (int i = 0; i < k; i++) {
                if (task.reward(target[0], tokens, i * len) > 0) {
                    w = w < 0 ? i : w;
                } else {
                    l = l < 0 ? i : l;
                }
            }
            if (w >= 0 && l >= 0) {
                prompt[found] = target[0];
                System.arraycopy(tokens, w * len, chosen, found * len, len);
                System.arraycopy(tokens, l * len, rejected, found * len, len);
                refW[found] = sum(logp, w * len);
                refL[found] = sum(logp, l * len);
                found++;
            }
        }
    }

    private float sum(float[] logp, int at) {
        float total = 0;
        for (int t = 0; t < len; t++) {
            total += logp[at + t];
        }
        return total;
    }

    @Override
    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("charts/episodic_return", "charts/learning_rate", "losses/loss"));
        reports.forEach(r -> c.add("losses/" + r));
        c.add("losses/grad_norm");
        return c;
    }

    @Override
    public Map<String, Double> iterate(double progress) {
        Map<String, Double> row = new LinkedHashMap<>();
        double rate = s.anneal() ? s.lr() * (1 - progress) : s.lr();
        adam.setLearningRate(rate);
        row.put("charts/learning_rate", rate);
        int[] order = new int[s.pairs()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.below(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        StepMetrics metrics = new StepMetrics(reports);
        int batches = 0;
        for (int from = 0; from + s.batch() <= order.length; from += s.batch()) {
            int[] idx = Arrays.copyOfRange(order, from, from + s.batch());
            CompiledObjective.Result r = step(idx);
            metrics.add(r, adam.step());
            batches++;
        }
        steps += (long) batches * s.batch();
        episodes++;   // an epoch over the pairs counts as the progress bar's episode
        row.put("charts/episodic_return", Trainer.mean(actor.evaluate(100, evalSeed).returns()));
        metrics.into(row);
        return row;
    }

    /** One minibatch: chosen and rejected answers through the policy together; writes the gradient. */
    private CompiledObjective.Result step(int[] idx) {
        int p = idx.length;
        int[] target = new int[2 * p];
        int[] tokens = new int[2 * p * len];
        for (int i = 0; i < p; i++) {
            target[i] = prompt[idx[i]];
            target[p + i] = prompt[idx[i]];
            System.arraycopy(chosen, idx[i] * len, tokens, i * len, len);
            System.arraycopy(rejected, idx[i] * len, tokens, (p + i) * len, len);
        }
        float[] logits = actor.net.forward(actor.contexts(target, tokens), 2 * p * len);
        float[] tokenLogp = actor.tokenLogp(logits, tokens);
        float[] seqW = new float[p];
        float[] seqL = new float[p];
        for (int i = 0; i < p; i++) {
            seqW[i] = sum(tokenLogp, i * len);
            seqL[i] = sum(tokenLogp, (p + i) * len);
        }
        CompiledObjective.Result r = loss.runReusing(LOSS.inputs(loss, new Pairs(this, idx, seqW, seqL)));
        if (!Double.isFinite(r.loss().item())) {
            throw new NonFiniteLoss(r.loss().item(), steps);
        }
        float[] dW = Data.floats(r.grads().get("logp_w"));
        float[] dL = Data.floats(r.grads().get("logp_l"));
        float[] dTokens = new float[tokens.length];   // a sequence's log-probability is the sum of its tokens'
        for (int i = 0; i < p; i++) {
            Arrays.fill(dTokens, i * len, (i + 1) * len, dW[i]);
            Arrays.fill(dTokens, (p + i) * len, (p + i + 1) * len, dL[i]);
        }
        actor.net.backward(actor.throughLogSoftmax(dTokens, logits, tokens));
        return r;
    }

    @Override
    public Evaluation evaluate(int count, long seed) {
        return actor.evaluate(count, seed);
    }

    @Override
    protected void saveState(DataOutput out) throws IOException {
        actor.net.save(out);
        adam.save(out);
    }

    @Override
    protected void restoreState(DataInput in) throws IOException {
        actor.net.restore(in);
        adam.restore(in);
    }
}
