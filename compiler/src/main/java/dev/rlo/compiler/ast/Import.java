package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;
import java.util.stream.Collectors;

/** {@code import std.kl.{k1, k3 as kl3}}. */
public record Import(List<Ident> path, List<Item> items, SourceSpan span) {

    /** The dotted module name, e.g. {@code std.kl}. */
    public String moduleName() {
        return path.stream().map(Ident::name).collect(Collectors.joining("."));
    }

    /** The span of the module path. */
    public SourceSpan pathSpan() {
        return path.getFirst().span().to(path.getLast().span());
    }

    /** One imported name; {@code alias} is {@code null} when not renamed. */
    public record Item(Ident name, Ident alias, SourceSpan span) {

        /** The name the importing module uses. */
        public Ident local() {
            return alias != null ? alias : name;
        }
    }
}
