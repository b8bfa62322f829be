package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a loop gives an objective (or a stage) by input name, and the check, before training starts,
 * that the objective asks for nothing else. A wrong name, dtype or rank, a {@code grad} on data or
 * none on a network head, is reported at the parameter that declares it, with what the loop offers.
 * Each loop declares each input once, in an {@link Offers} table: what it is and how the loop makes
 * it. The check reads the table before training, and the loop reads it at every call.
 */
final class Contract {

    /**
     * What one input is: its dtype, rank, whether it is a network head (differentiated), what it
     * means, and how the loop makes its tensor from {@code S}, what the loop holds when it calls.
     */
    record Offer<S>(DType dtype, int rank, boolean head, String meaning, Value<S> value) { }

    /** An input's tensor, in its declared dimensions {@code dims}, from what the loop holds. */
    @FunctionalInterface
    interface Value<S> {
        Tensor of(S at, List<String> dims);
    }

    /** A loop's offers by input name, in the order its hints list them. */
    static final class Offers<S> {
        private final Map<String, Offer<S>> byName = new LinkedHashMap<>();

        Offers<S> add(String name, DType dtype, int rank, boolean head, String meaning, Value<S> value) {
            byName.put(name, new Offer<>(dtype, rank, head, meaning, value));
            return this;
        }

        /** The offers {@code names} of {@code other}, as they are there. */
        Offers<S> add(Offers<S> other, String... names) {
            for (String name : names) {
                byName.put(name, other.get(name));
            }
            return this;
        }

        Offer<S> get(String name) {
            return byName.get(name);
        }

        Set<String> names() {
            return byName.keySet();
        }

        /** Every input of {@code compiled}, made from {@code at} (the check found an offer for each). */
        Map<String, Tensor> inputs(CompiledObjective compiled, S at) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (Graph.Input input : compiled.inputs()) {
                in.put(input.name(), byName.get(input.name()).value().of(at, input.type().dims()));
            }
            return in;
        }
    }

    /** Inputs of continuous-action policies, which a discrete environment cannot give. */
    static final List<String> CONTINUOUS = List.of("mu", "log_std", "sigma");

    private Contract() { }

    /** Checks every input of {@code compiled} (the fn or objective {@code call} names) against {@code offers}. */
    static void check(Compiler compiler, Call call, CompiledObjective compiled, Offers<?> offers, String who) {
        FnDecl decl = decl(compiler, call.name());
        for (Graph.Input in : compiled.inputs()) {
            SourceSpan at = at(decl, in.name(), call.span());
            Offer<?> o = offers.get(in.name());
            if (o == null) {
                throw new TrainError(at, who + " provides no input `" + in.name() + "`",
                        "it provides " + String.join(", ", offers.names()));
            }
            int rank = in.type().dims().size();
            if (in.type().dtype() != o.dtype() || rank != o.rank()) {
                throw new TrainError(at, "`" + in.name() + "` is " + o.meaning() + ": "
                        + o.dtype().toString().toLowerCase() + " with " + o.rank()
                        + (o.rank() == 1 ? " dimension" : " dimensions") + ", not " + in.type());
            }
            if (in.grad() && !o.head()) {
                throw new TrainError(at, "`" + in.name() + "` is data, not a network output: it cannot be `grad`");
            }
            if (!in.grad() && o.head()) {
                throw new TrainError(at, "`" + in.name() + "` is a network head: mark it `grad` to train it");
            }
        }
    }

    /** The objective's reports, in order. */
    static List<String> reports(CompiledObjective loss) {
        return loss.graph().names(Output.Kind.REPORT);
    }

    static boolean has(CompiledObjective c, String input) {
        return c.graph().input(input) != null;
    }

    /** Where {@code input} of the fn or objective {@code name} is declared, or {@code fallback}. */
    static SourceSpan at(Compiler compiler, String name, String input, SourceSpan fallback) {
        return at(decl(compiler, name), input, fallback);
    }

    /** The declaration of {@code name} in the file, or null when it is imported. */
    private static FnDecl decl(Compiler compiler, String name) {
        return java.util.stream.Stream.concat(compiler.objectiveDecls().stream(), compiler.fnDecls().stream())
                .filter(f -> f.name().name().equals(name)).findFirst().orElse(null);
    }

    private static SourceSpan at(FnDecl fn, String name, SourceSpan fallback) {
        for (Param p : fn == null ? List.<Param>of() : fn.params()) {
            if (p.name().name().equals(name)) {
                return p.span();
            }
        }
        return fallback;
    }
}
