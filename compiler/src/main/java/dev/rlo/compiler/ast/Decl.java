package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;

/** A top-level declaration of a module: a {@link FnDecl}, a {@link TrainDecl} or a {@link SweepDecl}. */
public sealed interface Decl permits FnDecl, TrainDecl, SweepDecl {

    /** The {@code ///} comment before the declaration, or {@code null}. */
    Doc doc();

    Ident name();

    SourceSpan span();
}
