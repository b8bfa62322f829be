package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.Import;
import java.util.List;

/**
 * One input of {@code rlo repl} that is not a command, or the expression a command takes, parsed in
 * REPL mode (spec/syntax.md#repl-input). Each tensor made from nothing in it is a {@link ReplValue}, and the
 * expression shows it as the name {@link ReplValue#name()}.
 */
public sealed interface ReplInput {

    /** The input's REPL values, in the order of their names {@code _t0}, {@code _t1}, …. */
    List<ReplValue> values();

    /** {@code import m.{a, b}}. */
    record Imports(Import decl) implements ReplInput {
        @Override
        public List<ReplValue> values() {
            return List.of();
        }
    }

    /** A fn or objective. */
    record Definition(FnDecl decl, List<ReplValue> values) implements ReplInput { }

    /** {@code let name = value}. */
    record Let(Ident name, Expr value, List<ReplValue> values) implements ReplInput { }

    /** An expression, and the words a command's argument has after it ({@code wrt x}). */
    record Eval(Expr value, List<Ident> words, List<ReplValue> values) implements ReplInput { }

    /** Nothing but blanks and comments. */
    record Empty() implements ReplInput {
        @Override
        public List<ReplValue> values() {
            return List.of();
        }
    }
}
