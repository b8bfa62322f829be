package dev.rlo.runtime.train;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loop gives an objective (or a stage) by input name, and the check, before training starts,
 * that the objective asks for nothing else. A wrong name, dtype or rank, a {@code grad} on data or
 * none on a network head, is reported at the parameter that declares it, with what the loop offers.
 */
final class Contract {

    /** What one input is: its dtype, rank, whether it is a network head (differentiated), and what it means. */
    record Offer(DType dtype, int rank, boolean head, String meaning) { }

    /** Inputs of continuous-action policies, which a discrete environment cannot give. */
    static final List<String> CONTINUOUS = List.of("mu", "log_std", "sigma");

    private Contract() { }

    /** An ordered table of offers from name, offer pairs. */
    static Map<String, Offer> offers(Object... pairs) {
        Map<String, Offer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Offer) pairs[i + 1]);
        }
        return m;
    }

    /** Checks every input of {@code compiled} (the fn or objective {@code call} names) against {@code offers}. */
    static void check(Compiler compiler, Call call, CompiledObjective compiled, Map<String, Offer> offers, String who) {
        FnDecl decl = decl(compiler, call.name());
        for (Graph.Input in : compiled.inputs()) {
            SourceSpan at = at(decl, in.name(), call.span());
            Offer o = offers.get(in.name());
            if (o == null) {
                throw new TrainError(at, who + " provides no input `" + in.name() + "`",
                        "it provides " + String.join(", ", offers.keySet()));
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
