package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.env.VecEnv;
import dev.rlo.runtime.train.Contract.Offer;
import java.util.List;
import java.util.Map;

/**
 * What the on-policy loop gives its rollout stage and its objective (spec/runtime.md, "The on-policy
 * loop"), checked before training starts.
 */
record OnPolicyContract(CompiledObjective loss, CompiledObjective stage, List<String> reports, boolean hasCritic,
                        boolean continuous, boolean hasLogStd) {

    /** The rollout stage's inputs, each {@code [T, E]}. */
    static final Map<String, Offer> STAGE = Contract.offers(
            "reward", new Offer(DType.F32, 2, false, "r_t, the reward after acting at step t"),
            "value", new Offer(DType.F32, 2, false, "V(s_t) from the value head"),
            "next_value", new Offer(DType.F32, 2, false, "V(s_{t+1}) of the true next observation, also at a truncation"),
            "terminated", new Offer(DType.BOOL, 2, false, "the episode ended at t (no bootstrap)"),
            "truncated", new Offer(DType.BOOL, 2, false, "a time limit cut the episode at t"),
            "done", new Offer(DType.BOOL, 2, false, "terminated or truncated"));

    /** The objective's inputs, per minibatch of B samples, for D-dimensional continuous actions. */
    static final Map<String, Offer> CONTINUOUS_LOSS = Contract.offers(
            "mu", new Offer(DType.F32, 2, true, "the Gaussian policy's mean [B, D]"),
            "log_std", new Offer(DType.F32, 1, true, "the policy's state-independent log standard deviation [D]"),
            "value", new Offer(DType.F32, 1, true, "the value head's V(s)"),
            "action", new Offer(DType.F32, 2, false, "the action taken [B, D], before the environment clips it"),
            "old_logp", new Offer(DType.F32, 1, false, "log π_old(a|s) when the action was taken (summed over D)"),
            "old_value", new Offer(DType.F32, 1, false, "V_old(s) when the action was taken"),
            "adv", new Offer(DType.F32, 1, false, "the rollout stage's advantage"),
            "ret", new Offer(DType.F32, 1, false, "adv + old_value, the return target"),
            "reward", new Offer(DType.F32, 1, false, "the reward after the action"));

    /** The objective's inputs, per minibatch of B samples; A = the number of discrete actions. */
    static final Map<String, Offer> LOSS = Contract.offers(
            "logits", new Offer(DType.F32, 2, true, "the policy head's logits [B, A]"),
            "value", new Offer(DType.F32, 1, true, "the value head's V(s)"),
            "action", new Offer(DType.I32, 1, false, "the action taken"),
            "old_logp", new Offer(DType.F32, 1, false, "log π_old(a|s) when the action was taken"),
            "old_value", new Offer(DType.F32, 1, false, "V_old(s) when the action was taken"),
            "old_logits", new Offer(DType.F32, 2, false, "the policy's logits when the action was taken [B, A]"),
            "adv", new Offer(DType.F32, 1, false, "the rollout stage's advantage"),
            "ret", new Offer(DType.F32, 1, false, "adv + old_value, the return target"),
            "reward", new Offer(DType.F32, 1, false, "the reward after the action"));

    /** Checks {@code objective} and the stage {@code stageCall} against the loop and {@code env}. */
    static OnPolicyContract check(Compiler compiler, Call objective, CompiledObjective loss, Call stageCall,
                                  CompiledObjective stage, VecEnv env) {
        boolean continuous = !env.actionSpace().discrete();
        for (Graph.Input in : loss.inputs()) {
            if (!continuous && Contract.CONTINUOUS.contains(in.name())) {
                throw new TrainError(Contract.at(compiler, objective.name(), in.name(), objective.span()),
                        "`" + in.name() + "` is an input of a continuous-action policy, but " + env.id()
                                + " has actions " + env.actionSpace(),
                        "on " + env.id() + " the policy is `logits: f32[B, A] grad`");
            }
            if (continuous && List.of("logits", "old_logits").contains(in.name())) {
                throw new TrainError(Contract.at(compiler, objective.name(), in.name(), objective.span()),
                        "`" + in.name() + "` is an input of a discrete-action policy, but " + env.id()
                                + " has actions " + env.actionSpace(),
                        "on " + env.id() + " the policy is `mu: f32[B, D] grad` with `log_std: f32[D] grad`");
            }
        }
        Contract.check(compiler, objective, loss, continuous ? CONTINUOUS_LOSS : LOSS, "on_policy");
        boolean hasValue = Contract.has(loss, "value");
        Contract.check(compiler, stageCall, stage, STAGE, "the on_policy rollout stage");
        var result = stage.graph().output(Output.RESULT).type();
        List<String> stageDims = stage.inputs().isEmpty() ? null : stage.inputs().getFirst().type().dims();
        if (result.dtype() != DType.F32 || stageDims == null || !result.dims().equals(stageDims)) {
            throw new TrainError(stageCall.span(), "the rollout stage `" + stageCall.name() + "` returns " + result
                    + "; it must return the advantages as f32" + (stageDims == null ? " over [T, E]" : stageDims.toString().replace("[", " over [")));
        }
        for (String needsCritic : List.of("value", "next_value")) {
            if (!hasValue && Contract.has(stage, needsCritic)) {
                throw new TrainError(Contract.at(compiler, stageCall.name(), needsCritic, stageCall.span()),
                        "the stage asks for `" + needsCritic + "`, but the objective `" + objective.name()
                                + "` trains no value head", "give the objective `value: f32[B] grad`");
            }
        }
        String policy = continuous ? "mu" : "logits";
        if (!Contract.has(loss, policy)) {
            throw new TrainError(objective.span(), "the objective `" + objective.name() + "` has no policy input",
                    "on " + env.id() + " on_policy trains `" + policy + (continuous ? ": f32[B, D] grad`" : ": f32[B, A] grad`"));
        }
        return new OnPolicyContract(loss, stage, Contract.reports(loss), hasValue, continuous, Contract.has(loss, "log_std"));
    }
}
