package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.runtime.env.VecEnv;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the on-policy loop gives its rollout stage and its objective, by input name (spec/train.md,
 * "The on-policy loop"), and the check, before training starts, that a stage and an objective ask for
 * nothing else: a wrong name, dtype or rank, or an input that needs another kind of environment, is
 * reported at the parameter that declares it.
 */
record OnPolicyContract(CompiledObjective loss, CompiledObjective stage, List<String> reports, boolean hasCritic) {

    /** What one input is: its dtype, rank, and whether the loop can differentiate it (a network head). */
    record Offer(DType dtype, int rank, boolean head, String meaning) { }

    /** The rollout stage's inputs, each {@code [T, E]}. */
    static final Map<String, Offer> STAGE = offers(
            "reward", new Offer(DType.F32, 2, false, "r_t, the reward after acting at step t"),
            "value", new Offer(DType.F32, 2, false, "V(s_t) from the value head"),
            "next_value", new Offer(DType.F32, 2, false, "V(s_{t+1}) of the true next observation, also at a truncation"),
            "terminated", new Offer(DType.BOOL, 2, false, "the episode ended at t (no bootstrap)"),
            "truncated", new Offer(DType.BOOL, 2, false, "a time limit cut the episode at t"),
            "done", new Offer(DType.BOOL, 2, false, "terminated or truncated"));

    /** The objective's inputs, per minibatch of B samples; A = the number of discrete actions. */
    static final Map<String, Offer> LOSS = offers(
            "logits", new Offer(DType.F32, 2, true, "the policy head's logits [B, A]"),
            "value", new Offer(DType.F32, 1, true, "the value head's V(s)"),
            "action", new Offer(DType.I32, 1, false, "the action taken"),
            "old_logp", new Offer(DType.F32, 1, false, "log π_old(a|s) when the action was taken"),
            "old_value", new Offer(DType.F32, 1, false, "V_old(s) when the action was taken"),
            "old_logits", new Offer(DType.F32, 2, false, "the policy's logits when the action was taken [B, A]"),
            "adv", new Offer(DType.F32, 1, false, "the rollout stage's advantage"),
            "ret", new Offer(DType.F32, 1, false, "adv + old_value, the return target"),
            "reward", new Offer(DType.F32, 1, false, "the reward after the action"));

    /** Inputs of continuous-action objectives, which a discrete environment cannot give. */
    static final List<String> CONTINUOUS = List.of("mu", "log_std", "sigma");

    /** Checks {@code objective} and the stage fn {@code stageName} against the loop and {@code env}. */
    static OnPolicyContract check(Compiler compiler, Call objective, CompiledObjective loss, Call stageCall,
                                  CompiledObjective stage, VecEnv env) {
        FnDecl lossDecl = decl(compiler, objective.name());
        for (Graph.Input in : loss.inputs()) {
            SourceSpan at = paramSpan(lossDecl, in.name(), objective.span());
            if (CONTINUOUS.contains(in.name())) {
                throw new TrainError(at, "`" + in.name() + "` is an input of a continuous-action policy, but "
                        + env.id() + " has actions " + env.actionSpace(),
                        "on " + env.id() + " the policy is `logits: f32[B, A] grad`");
            }
            expect(in, LOSS, at, "on_policy");
        }
        boolean hasValue = loss.inputs().stream().anyMatch(i -> i.name().equals("value"));
        FnDecl stageDecl = decl(compiler, stageCall.name());
        for (Graph.Input in : stage.inputs()) {
            SourceSpan at = paramSpan(stageDecl, in.name(), stageCall.span());
            expect(in, STAGE, at, "the on_policy rollout stage");
            if (!hasValue && (in.name().equals("value") || in.name().equals("next_value"))) {
                throw new TrainError(at, "the stage asks for `" + in.name() + "`, but the objective `"
                        + objective.name() + "` trains no value head", "give the objective `value: f32[B] grad`");
            }
        }
        if (!env.actionSpace().discrete()) {
            throw new TrainError(objective.span(), "on_policy with `logits` needs discrete actions, but "
                    + env.id() + " has " + env.actionSpace());
        }
        if (loss.inputs().stream().noneMatch(i -> i.name().equals("logits"))) {
            throw new TrainError(objective.span(), "the objective `" + objective.name()
                    + "` has no policy input", "on_policy trains `logits: f32[B, A] grad`");
        }
        List<String> reports = loss.graph().outputs().keySet().stream().filter(o -> o.startsWith(Graph.REPORT))
                .map(o -> o.substring(Graph.REPORT.length())).toList();
        return new OnPolicyContract(loss, stage, reports, hasValue);
    }

    private static void expect(Graph.Input in, Map<String, Offer> offers, SourceSpan at, String who) {
        Offer o = offers.get(in.name());
        if (o == null) {
            throw new TrainError(at, who + " provides no input `" + in.name() + "`",
                    "it provides " + String.join(", ", offers.keySet()));
        }
        int rank = in.type().dims().size();
        if (in.type().dtype() != o.dtype() && !(o.dtype() == DType.F32 && in.type().dtype() == DType.F64)
                || rank != o.rank()) {
            throw new TrainError(at, "`" + in.name() + "` is " + o.meaning() + ": " + o.dtype().toString().toLowerCase()
                    + " with " + o.rank() + (o.rank() == 1 ? " dimension" : " dimensions") + ", not " + in.type());
        }
        if (in.grad() && !o.head()) {
            throw new TrainError(at, "`" + in.name() + "` is data, not a network output: it cannot be `grad`");
        }
        if (!in.grad() && o.head()) {
            throw new TrainError(at, "`" + in.name() + "` is a network head: mark it `grad` to train it");
        }
    }

    /** The declaration of {@code name} in the file, or null when it is imported. */
    private static FnDecl decl(Compiler compiler, String name) {
        return java.util.stream.Stream.concat(compiler.objectiveDecls().stream(), compiler.fnDecls().stream())
                .filter(f -> f.name().name().equals(name)).findFirst().orElse(null);
    }

    private static SourceSpan paramSpan(FnDecl fn, String name, SourceSpan fallback) {
        for (Param p : fn == null ? List.<Param>of() : fn.params()) {
            if (p.name().name().equals(name)) {
                return p.span();
            }
        }
        return fallback;
    }

    private static Map<String, Offer> offers(Object... pairs) {
        Map<String, Offer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Offer) pairs[i + 1]);
        }
        return m;
    }
}
