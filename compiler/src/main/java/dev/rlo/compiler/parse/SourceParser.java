package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.grammar.RloLexer;
import dev.rlo.grammar.RloParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** The parse phase's entry point: source text to a {@link Module}, or syntax diagnostics. */
public final class SourceParser {

    private SourceParser() { }

    /**
     * Parses {@code file}. Syntax errors go to {@code diags}; then the result is {@code null}, since
     * a tree repaired by error recovery would only produce misleading errors in later phases.
     */
    public static Module parse(SourceFile file, Diagnostics diags) {
        Diagnostics syntax = new Diagnostics();
        RloLexer lexer = new RloLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners(); /* every character is some token; the parser reports bad ones */
        RloParser parser = new RloParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrorListener(file, syntax));
        RloParser.ProgramContext tree = parser.program();
        diags.addAll(syntax);
        if (syntax.hasErrors()) {
            return null;
        }
        return new AstBuilder(file, diags).module(tree);
    }
}
