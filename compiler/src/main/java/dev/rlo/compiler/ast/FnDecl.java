package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/**
 * A {@code fn} (a reusable pure function) or an {@code objective} (a loss with differentiable
 * inputs, hyper-parameters and reports). They share one record because they share the checker.
 *
 * @param returnType the declared {@code -> type} of a fn, or {@code null}
 */
public record FnDecl(Doc doc, boolean objective, Ident name, List<Param> params, TypeExpr returnType,
                     Body body, SourceSpan span) implements Decl {

    /** {@code "fn"} or {@code "objective"}, as written. */
    public String keyword() {
        return objective ? "objective" : "fn";
    }
}
