package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A written tensor type: {@code f32[G,K]}; {@code f32} and {@code f32[]} are scalars. A dimension of a
 * parameter's type may declare its size ({@code S = 2}, {@code T1 = T + 1}): {@code sizes} holds those.
 */
public record TypeExpr(DType dtype, List<Ident> dims, List<DimSize> sizes, SourceSpan span) {

    public TypeExpr {
        dims = List.copyOf(dims);
        sizes = List.copyOf(sizes);
    }

    /**
     * A declared size: {@code dim = offset} when {@code base} is null, else {@code dim = base + offset}
     * (the offset negative for {@code base - k}).
     */
    public record DimSize(Ident dim, Ident base, long offset, SourceSpan span) {
        @Override
        public String toString() {
            return base == null ? dim.name() + " = " + offset
                    : dim.name() + " = " + base.name() + (offset < 0 ? " - " + -offset : " + " + offset);
        }
    }

    @Override
    public String toString() {
        return dims.isEmpty() ? dtype.toString() : dims.stream().map(d -> sizes.stream().filter(s -> s.dim().equals(d))
                .findFirst().map(DimSize::toString).orElse(d.name())).collect(Collectors.joining(",", dtype + "[", "]"));
    }
}
