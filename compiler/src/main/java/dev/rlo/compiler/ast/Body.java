package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** {@code { stmt* result }}: the statements of a fn or objective and the expression it returns. */
public record Body(List<Stmt> stmts, Expr result, SourceSpan span) { }
