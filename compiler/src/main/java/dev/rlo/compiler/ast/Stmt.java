package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;

/** A statement of a body: {@code let} binds a value, {@code report} names a diagnostic output. */
public sealed interface Stmt {

    Ident name();

    Expr value();

    SourceSpan span();

    /** {@code let name[: type] = value}; {@code type} is {@code null} when not written. */
    record Let(Ident name, TypeExpr type, Expr value, SourceSpan span) implements Stmt { }

    /** {@code report name = value}. */
    record Report(Ident name, Expr value, SourceSpan span) implements Stmt { }
}
