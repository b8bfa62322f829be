package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import java.util.List;

/**
 * The check, before training starts, that the objective asks for what the group loop gives it
 * ({@link Group#LOSS}; spec/runtime.md, "The group loop") and trains one head.
 */
record GroupContract(CompiledObjective loss, String head, List<String> reports) {

    static GroupContract check(Compiler compiler, Call objective, CompiledObjective loss) {
        Contract.check(compiler, objective, loss, Group.LOSS, "the group loop");
        boolean logp = Contract.has(loss, "logp");
        boolean logits = Contract.has(loss, "logits");
        if (logp == logits) {
            throw new TrainError(objective.span(), "a group objective trains one head: `logp: f32[G, K, L] grad` or"
                    + " `logits: f32[G, K, L, V] grad`" + (logp ? ", not both" : ""));
        }
        return new GroupContract(loss, logp ? "logp" : "logits", Contract.reports(loss));
    }
}
