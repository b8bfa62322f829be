package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;

/**
 * A parameter of a {@code fn} or {@code objective}: an input {@code logp: f32[T] grad} or a
 * hyper-parameter with a default {@code eps = 0.2} (spec/syntax.md#parameters).
 *
 * @param type         the written type, or {@code null} for a hyper-parameter written without one
 * @param grad         whether the input is marked differentiable
 * @param defaultValue the hyper-parameter's default, or {@code null} for an input
 */
public record Param(Ident name, TypeExpr type, boolean grad, Expr defaultValue, SourceSpan span) {

    public boolean isHyper() {
        return defaultValue != null;
    }
}
