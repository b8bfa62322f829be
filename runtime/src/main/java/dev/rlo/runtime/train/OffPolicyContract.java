package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.runtime.env.VecEnv;
import java.util.List;
import java.util.Map;

/**
 * The check, before training starts, that the objective asks for what the off-policy value-based
 * loop gives it ({@link OffPolicy#LOSS}; spec/runtime.md, "The off-policy loop"):
 * one head — Q-values {@code q: [B, A]}, quantiles {@code z: [B, A, N]} or categorical logits
 * {@code logits: [B, A, N]} over a support the objective defines — its target network's values on the
 * next observation, and the transition. {@code atomDim} names the head's last dimension (null for
 * {@code q}); {@code act} is the acting stage, a fn from the head to Q-values {@code [B, A]} (needed
 * for {@code logits}; for {@code z} the mean over N is the default).
 */
record OffPolicyContract(CompiledObjective loss, String head, String atomDim, String nextDim, boolean iqn,
                         CompiledObjective act, List<String> reports) {

    /** Which target input belongs to which head. */
    private static final Map<String, List<String>> NEXT = Map.of(
            "q", List.of("q_next", "q_next_online"), "z", List.of("z_next"), "logits", List.of("next_logits"));

    static OffPolicyContract check(Compiler compiler, Call objective, CompiledObjective loss, Call actCall,
                                   CompiledObjective act, VecEnv env) {
        Contract.check(compiler, objective, loss, OffPolicy.LOSS, "off_policy");
        if (!env.actionSpace().discrete()) {
            throw new TrainError(objective.span(), "off_policy needs discrete actions, but " + env.id() + " has "
                    + env.actionSpace());
        }
        List<String> heads = NEXT.keySet().stream().filter(h -> Contract.has(loss, h)).sorted().toList();
        if (heads.size() != 1) {
            throw new TrainError(objective.span(), "an off_policy objective trains one head: `q: f32[B, A] grad`,"
                    + " `z: f32[B, A, N] grad` or `logits: f32[B, A, N] grad`" + (heads.isEmpty() ? "" : ", not " + heads));
        }
        String head = heads.getFirst();
        NEXT.forEach((other, nexts) -> {
            for (String next : nexts) {
                if (!other.equals(head) && Contract.has(loss, next)) {
                    throw new TrainError(Contract.at(compiler, objective.name(), next, objective.span()),
                            "`" + next + "` belongs to a `" + other + "` head, and this objective trains `" + head + "`");
                }
            }
        });
        Graph.Input in = loss.graph().input(head);
        if (head.equals("logits") && act == null) {
            throw new TrainError(objective.span(), "a categorical head needs an acting stage to turn its logits into"
                    + " Q-values", "loop = off_policy(..., act: FN), a fn (logits: f32[B,A,N]) -> f32[B,A]");
        }
        if (act != null) {
            Graph.Input only = act.inputs().size() == 1 ? act.inputs().getFirst() : null;
            if (only == null || !only.name().equals(head) || only.type().dims().size() != in.type().dims().size()
                    || !act.graph().output(Output.RESULT).type().dims().equals(only.type().dims().subList(0, 2))) {
                throw new TrainError(actCall.span(), "the acting stage takes the head `" + head + "` alone and returns"
                        + " Q-values [B, A]", "e.g. fn " + actCall.name() + "(" + head + ": f32[B,A,N]) -> f32[B,A]");
            }
        }
        boolean iqn = Contract.has(loss, "tau");
        if (iqn && !head.equals("z")) {
            throw new TrainError(Contract.at(compiler, objective.name(), "tau", objective.span()),
                    "`tau` gives the levels of an implicit quantile head `z`, and this objective trains `" + head + "`");
        }
        String atomDim = head.equals("q") ? null : in.type().dims().get(2);
        Graph.Input next = loss.graph().input("z_next");
        return new OffPolicyContract(loss, head, atomDim, next == null ? atomDim : next.type().dims().get(2), iqn, act,
                Contract.reports(loss));
    }
}
