package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.train.Contract.Offer;
import java.util.List;
import java.util.Map;

/**
 * What the group loop gives its objective (spec/runtime.md, "The group loop"): for G prompts × K
 * completions × L tokens, the policy's log-probability of each token (or its logits over the
 * vocabulary V), the same at sampling time and under the frozen reference policy, the mask of real
 * tokens, the tokens, and each completion's reward.
 */
record GroupContract(CompiledObjective loss, String head, List<String> reports) {

    static final Map<String, Offer> LOSS = Contract.offers(
            "logp", new Offer(DType.F32, 3, true, "log π(token | prompt, earlier tokens) [G, K, L]"),
            "logits", new Offer(DType.F32, 4, true, "the policy's logits over the vocabulary [G, K, L, V]"),
            "old_logp", new Offer(DType.F32, 3, false, "log π_old(token | ...) when the completion was sampled [G, K, L]"),
            "ref_logp", new Offer(DType.F32, 3, false, "log π_ref(token | ...) under the frozen initial policy [G, K, L]"),
            "mask", new Offer(DType.BOOL, 3, false, "which tokens are real (all, for fixed-length tasks) [G, K, L]"),
            "token", new Offer(DType.I32, 3, false, "the sampled tokens [G, K, L]"),
            "reward", new Offer(DType.F32, 2, false, "each completion's verified reward [G, K]"));

    static GroupContract check(Compiler compiler, Call objective, CompiledObjective loss) {
        Contract.check(compiler, objective, loss, LOSS, "the group loop");
        boolean logp = Contract.has(loss, "logp");
        boolean logits = Contract.has(loss, "logits");
        if (logp == logits) {
            throw new TrainError(objective.span(), "a group objective trains one head: `logp: f32[G, K, L] grad` or"
                    + " `logits: f32[G, K, L, V] grad`" + (logp ? ", not both" : ""));
        }
        return new GroupContract(loss, logp ? "logp" : "logits", Contract.reports(loss));
    }
}
