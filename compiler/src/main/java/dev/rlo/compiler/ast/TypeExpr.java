package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;
import java.util.stream.Collectors;

/** A written tensor type: {@code f32[G,K]}; {@code f32} and {@code f32[]} are scalars. */
public record TypeExpr(DType dtype, List<Ident> dims, SourceSpan span) {

    @Override
    public String toString() {
        return dims.isEmpty() ? dtype.toString()
                : dims.stream().map(Ident::name).collect(Collectors.joining(",", dtype + "[", "]"));
    }
}
