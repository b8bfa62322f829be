package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.types.DType;
import dev.rlo.runtime.env.VecEnv;
import java.util.List;

/**
 * The check, before training starts, that the rollout stage and the objective ask for what the
 * on-policy loop gives them ({@link OnPolicy#STAGE}, {@link OnPolicy#LOSS}, {@link OnPolicy#CONTINUOUS_LOSS};
 * spec/runtime.md, "The on-policy loop") and fit the environment's actions.
 */
record OnPolicyContract(CompiledObjective loss, CompiledObjective stage, List<String> reports, boolean hasCritic,
                        boolean continuous, boolean hasLogStd) {

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
        Contract.check(compiler, objective, loss, continuous ? OnPolicy.CONTINUOUS_LOSS : OnPolicy.LOSS, "on_policy");
        boolean hasValue = Contract.has(loss, "value");
        Contract.check(compiler, stageCall, stage, OnPolicy.STAGE, "the on_policy rollout stage");
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
