package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.train.Contract.Offer;
import java.util.List;
import java.util.Map;

/**
 * What the off-policy value-based loop gives its objective (spec/train.md, "The off-policy loop"):
 * one head, Q-values {@code q: [B, A]} or quantiles {@code z: [B, A, N]}, its target network's values
 * on the next observation, and the transition. {@code head} is the head's name, {@code atoms} the
 * size of its last dimension (1 for {@code q}).
 */
record OffPolicyContract(CompiledObjective loss, String head, String atomDim, List<String> reports) {

    static final Map<String, Offer> LOSS = Contract.offers(
            "q", new Offer(DType.F32, 2, true, "the Q head, Q(s, ·) [B, A]"),
            "q_next", new Offer(DType.F32, 2, false, "the target network's Q(s', ·) [B, A]"),
            "q_next_online", new Offer(DType.F32, 2, false, "the online network's Q(s', ·) [B, A], for double DQN"),
            "z", new Offer(DType.F32, 3, true, "the quantile head, Z(s, ·) [B, A, N]"),
            "z_next", new Offer(DType.F32, 3, false, "the target network's Z(s', ·) [B, A, N]"),
            "action", new Offer(DType.I32, 1, false, "the action taken"),
            "reward", new Offer(DType.F32, 1, false, "the reward after the action"),
            "terminated", new Offer(DType.BOOL, 1, false, "the episode ended at s' (no bootstrap)"),
            "truncated", new Offer(DType.BOOL, 1, false, "a time limit cut the episode at s' (s' is its true last observation)"),
            "done", new Offer(DType.BOOL, 1, false, "terminated or truncated"));

    static OffPolicyContract check(Compiler compiler, Call objective, CompiledObjective loss, VecEnv env) {
        Contract.check(compiler, objective, loss, LOSS, "off_policy");
        if (!env.actionSpace().discrete()) {
            throw new TrainError(objective.span(), "off_policy needs discrete actions, but " + env.id() + " has "
                    + env.actionSpace());
        }
        boolean q = Contract.has(loss, "q");
        boolean z = Contract.has(loss, "z");
        if (q == z) {
            throw new TrainError(objective.span(), "an off_policy objective trains one head: `q: f32[B, A] grad` or"
                    + " `z: f32[B, A, N] grad`" + (q ? ", not both" : ""));
        }
        for (String next : List.of("z_next")) {
            if (q && Contract.has(loss, next)) {
                throw new TrainError(Contract.at(compiler, objective.name(), next, objective.span()),
                        "`" + next + "` belongs to a quantile head `z`, and this objective trains `q`");
            }
        }
        for (String next : List.of("q_next", "q_next_online")) {
            if (z && Contract.has(loss, next)) {
                throw new TrainError(Contract.at(compiler, objective.name(), next, objective.span()),
                        "`" + next + "` belongs to a Q head `q`, and this objective trains `z`");
            }
        }
        Graph.Input head = loss.graph().input(q ? "q" : "z");
        return new OffPolicyContract(loss, head.name(), z ? head.type().dims().get(2) : null, Contract.reports(loss));
    }
}
