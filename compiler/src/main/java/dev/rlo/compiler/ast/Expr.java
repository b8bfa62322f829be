package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** rlo expressions (spec/syntax.md#expressions). Every node carries the span it was written at. */
public sealed interface Expr {

    SourceSpan span();

    /** An integer literal such as {@code 100_000}; at most 2^31 - 1. */
    record IntLit(long value, SourceSpan span) implements Expr { }

    /** A float literal such as {@code 0.2} or {@code 1e-6}. */
    record FloatLit(double value, SourceSpan span) implements Expr { }

    record BoolLit(boolean value, SourceSpan span) implements Expr { }

    /** A string literal, escapes resolved; legal only in train blocks. */
    record StringLit(String value, SourceSpan span) implements Expr { }

    /** A reference to a value, or to a dimension where one is expected ({@code over: K}). */
    record Name(Ident id) implements Expr {
        @Override
        public SourceSpan span() {
            return id.span();
        }
    }

    /** {@code -operand}. */
    record Neg(Expr operand, SourceSpan span) implements Expr { }

    /** {@code not operand}. */
    record Not(Expr operand, SourceSpan span) implements Expr { }

    /** {@code left op right}; {@code opSpan} is the operator's own span. */
    record Binary(BinaryOp op, Expr left, Expr right, SourceSpan opSpan, SourceSpan span) implements Expr { }

    /** {@code callee(args)}: a builtin, a fn or objective, or a cast such as {@code f32(x)}. */
    record Call(Ident callee, List<Arg> args, SourceSpan span) implements Expr { }

    /** {@code target[items]}: gathers {@code A = action} and renames {@code N -> M}, left to right. */
    record Index(Expr target, List<IndexItem> items, SourceSpan span) implements Expr { }

    /** {@code [a, b]}: a list of dimensions ({@code over: [E, M]}) or of train-setting values. */
    record ListLit(List<Expr> items, SourceSpan span) implements Expr { }

    /** One argument of a call; {@code name} is {@code null} for a positional argument. */
    record Arg(Ident name, Expr value, SourceSpan span) { }

    /** One item of an {@link Index}. */
    sealed interface IndexItem {
        SourceSpan span();
    }

    /** {@code dim = index}: select along {@code dim} at the integer tensor {@code index}. */
    record Gather(Ident dim, Expr index, SourceSpan span) implements IndexItem { }

    /** {@code from -> to}: rename dimension {@code from} to {@code to}. */
    record Rename(Ident from, Ident to, SourceSpan span) implements IndexItem { }
}
