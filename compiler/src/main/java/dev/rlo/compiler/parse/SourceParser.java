package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.grammar.RloLexer;
import dev.rlo.grammar.RloParser;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;

/**
 * The parse phase's entry point: source text to a {@link Module}, or syntax diagnostics; and, for
 * {@code rlo repl}, an input to a {@link ReplInput}.
 */
public final class SourceParser {

    private SourceParser() { }

    /**
     * Parses {@code file}. Syntax errors go to {@code diags}; then the result is {@code null}, since
     * a tree repaired by error recovery would only produce misleading errors in later phases.
     */
    public static Module parse(SourceFile file, Diagnostics diags) {
        return parse(file, diags, false);
    }

    /** Parses {@code file}, in REPL mode if {@code repl}: its REPL values become the names {@code _t0}, … (a REPL probe). */
    public static Module parse(SourceFile file, Diagnostics diags, boolean repl) {
        return parse(file, diags, repl, RloParser::program, AstBuilder::module);
    }

    /** Parses one REPL input that is not a command (spec/syntax.md#repl-input); null after syntax errors. */
    public static ReplInput parseRepl(SourceFile file, Diagnostics diags) {
        return parse(file, diags, true, RloParser::replInput, AstBuilder::replInput);
    }

    /** Parses a REPL command that takes an expression ({@code :grad EXPR wrt x}): the expression and the words after it. */
    public static ReplInput.Eval parseReplCommand(SourceFile file, Diagnostics diags) {
        return parse(file, diags, true, RloParser::replCommand, AstBuilder::replCommand);
    }

    private static <C extends ParserRuleContext, T> T parse(SourceFile file, Diagnostics diags, boolean repl,
                                                            Function<RloParser, C> rule, BiFunction<AstBuilder, C, T> build) {
        Diagnostics syntax = new Diagnostics();
        RloLexer lexer = new RloLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners(); /* every character is some token; the parser reports bad ones */
        RloParser parser = new RloParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrorListener(file, syntax));
        if (repl) {
            parser.replMode();
        }
        C tree = rule.apply(parser);
        diags.addAll(syntax);
        if (syntax.hasErrors()) {
            return null;
        }
        return build.apply(new AstBuilder(file, diags), tree);
    }
}
