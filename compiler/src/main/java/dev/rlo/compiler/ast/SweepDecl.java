package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** A {@code sweep name { key = value ... }} block: train blocks over lists of values and seeds (spec/train.md#sweeps). */
public record SweepDecl(Doc doc, Ident name, List<Setting> settings, SourceSpan span) implements Decl {

    /** One {@code key = value} line; {@code arg} is what follows the dot ({@code lr} of {@code optimizer.lr}), or null. */
    public record Setting(Ident key, Ident arg, Expr value, SourceSpan span) {

        /** The key as written: {@code seeds}, {@code eps}, {@code optimizer.lr}. */
        public String path() {
            return arg == null ? key.name() : key.name() + "." + arg.name();
        }

        /** Where the whole key is written. */
        public SourceSpan keySpan() {
            return arg == null ? key.span() : key.span().to(arg.span());
        }
    }
}
