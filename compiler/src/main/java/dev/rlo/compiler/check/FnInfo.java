package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DimSize;
import dev.rlo.compiler.types.TensorType;
import java.util.List;
import java.util.Map;

/**
 * What the checker learnt about a fn or objective: its parameters' types, its dimension variables,
 * its result and, for {@code rlo check --types}, the type of every binding in its body.
 *
 * @param dimVars the dimension names its parameters' types mention, in order of appearance; each
 *                is bound anew at every call (spec/types-and-shapes.md#functions)
 * @param sizes   the sizes its parameters' types declare (spec/types-and-shapes.md#sized-dimensions)
 * @param result  the returned value (the loss, for an objective); its deps name the parameters the
 *                result depends on differentiably
 */
public record FnInfo(FnDecl decl, List<Param> params, List<String> dimVars, Map<String, DimSize> sizes, Typed result,
                     List<Binding> bindings) {

    /**
     * A parameter: an input ({@code grad} or data) or a hyper-parameter; a choice hyper-parameter
     * ({@code agg = "token-mean"}) has the strings it may take, and is typed as an i32, their index.
     */
    public record Param(String name, TensorType type, boolean hyper, boolean grad, List<String> choices) {
        public Param(String name, TensorType type, boolean hyper, boolean grad) {
            this(name, type, hyper, grad, List.of());
        }

        public Param {
            choices = List.copyOf(choices);
        }

        public boolean choice() {
            return !choices.isEmpty();
        }
    }

    /**
     * One named thing in the body, for the types listing.
     *
     * @param kind {@code input}, {@code hyper}, {@code let}, {@code report} or {@code result}
     */
    public record Binding(String kind, String name, Typed typed, String note, SourceSpan span) { }

    public Param param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
