package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.TypeExpr;
import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/**
 * A tensor made from nothing, which only REPL input may write (spec/syntax.md#repl-input). In the AST it is
 * the name {@link #name()}, {@code _t0} for the first of a parse, so that the REPL can give the
 * tensor to the objective it compiles under that name.
 */
public sealed interface ReplValue {

    String name();

    SourceSpan span();

    /** {@code randn[G=4, K=8](seed: 1)}, {@code rand[…]}, {@code zeros[…]} or {@code ones[…]}; seed 0 when not given. */
    record Random(String name, String kind, List<Ident> dims, List<Long> sizes, long seed, SourceSpan span) implements ReplValue { }

    /** {@code [[1, 0], [0, 1]] : f32[G,K]}: nested lists, one level per dimension of the type. */
    record Literal(String name, Expr.ListLit values, TypeExpr type, SourceSpan span) implements ReplValue { }

    /** {@code load("x.npy", dims: [B, T])}: a NumPy file with a name for each axis. */
    record Load(String name, String path, List<Ident> dims, SourceSpan span) implements ReplValue { }
}
