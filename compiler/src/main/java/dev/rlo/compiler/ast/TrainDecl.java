package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** A {@code train name { key = value ... }} block: one experiment (spec/train.md). */
public record TrainDecl(Doc doc, Ident name, List<Setting> settings, SourceSpan span) implements Decl {

    /** One {@code key = value} line. */
    public record Setting(Ident key, Expr value, SourceSpan span) { }
}
