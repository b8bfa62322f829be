package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;

/** A name as written: a variable, function, dimension, parameter or setting. */
public record Ident(String name, SourceSpan span) {

    @Override
    public String toString() {
        return name;
    }
}
