package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.grammar.RloLexer;
import dev.rlo.grammar.RloParser;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * The parse phase's entry point: source text to a {@link Module}, or syntax diagnostics; and, for
 * {@code rlo repl}, an input to a {@link ReplInput}.
 */
public final class SourceParser {

    /**
     * How many expressions deep a path may go: {@link Limits#MAX_NESTING} levels of operators,
     * calls and brackets, and the name or number innermost.
     */
    private static final int MAX_EXPRESSIONS = Limits.MAX_NESTING + 1;

    private SourceParser() { }

    /**
     * Parses {@code file}. Syntax errors go to {@code diags}; then the result is {@code null}, since
     * a tree repaired by error recovery would only produce misleading errors in later phases. So is
     * it for a file that is not UTF-8 (E006) and for expressions nested more than
     * {@link Limits#MAX_NESTING} levels deep (E090), which the later phases' tree walks could not
     * follow.
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

    /** Parses {@code :help TOPIC}: the topic's names ({@code std.kl.k3} is three), none for {@code :help} alone; null after syntax errors. */
    public static List<Ident> parseReplHelp(SourceFile file, Diagnostics diags) {
        return parse(file, diags, true, RloParser::replHelp, AstBuilder::replHelp);
    }

    /** Whether {@code text} is one name as the grammar reads it: an identifier, not a keyword. */
    public static boolean isName(String text) {
        RloLexer lexer = new RloLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        Token first = lexer.nextToken();
        return first.getType() == RloLexer.IDENT && first.getText().equals(text) && lexer.nextToken().getType() == Token.EOF;
    }

    private static <C extends ParserRuleContext, T> T parse(SourceFile file, Diagnostics diags, boolean repl,
                                                            Function<RloParser, C> rule, BiFunction<AstBuilder, C, T> build) {
        if (file.invalidUtf8() >= 0) {
            int at = file.invalidUtf8();
            diags.error(Code.E006, new SourceSpan(file, at, at + 1), "this file is not UTF-8 text: the bytes here are not UTF-8",
                    "save the file as UTF-8");
            return null;
        }
        Diagnostics syntax = new Diagnostics();
        RloLexer lexer = new RloLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners(); /* every character is some token; the parser reports bad ones */
        DepthLimitedParser parser = new DepthLimitedParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrorListener(file, syntax));
        if (repl) {
            parser.replMode();
        }
        C tree;
        try {
            tree = rule.apply(parser);
        } catch (TooDeep e) {
            tooDeep(file, diags, e.at);
            return null;
        }
        diags.addAll(syntax);
        if (syntax.hasErrors()) {
            return null;
        }
        Token deep = tooDeep(tree);
        if (deep != null) {
            tooDeep(file, diags, deep);
            return null;
        }
        /* what the AST builder reports (a literal out of range, a call split to find a body's result) is a syntax error too: no type checking */
        Diagnostics built = new Diagnostics();
        T ast = build.apply(new AstBuilder(file, built), tree);
        diags.addAll(built);
        return built.hasErrors() ? null : ast;
    }

    private static void tooDeep(SourceFile file, Diagnostics diags, Token at) {
        int end = file.text().length();
        diags.error(Code.E090, at.getType() == Token.EOF ? new SourceSpan(file, end, end)
                        : SourceSpan.ofCodePoints(file, at.getStartIndex(), at.getStopIndex() + 1), "expressions nest more than " + Limits.MAX_NESTING
                + " levels deep here", "name parts with `let`; a long sum of terms can be a sum(…) over a dimension");
    }

    /**
     * The first token of an expression nested more than {@link Limits#MAX_NESTING} levels deep, or
     * null; a chain {@code a + b + c} nests in the tree (left-deep) though the parser loops over it.
     */
    private static Token tooDeep(ParseTree root) {
        Deque<ParseTree> trees = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        trees.push(root);
        depths.push(0);
        while (!trees.isEmpty()) {
            ParseTree t = trees.pop();
            int depth = depths.pop() + (t instanceof RloParser.ExprContext ? 1 : 0);
            if (depth > MAX_EXPRESSIONS) {
                return ((ParserRuleContext) t).getStart();
            }
            for (int i = t.getChildCount() - 1; i >= 0; i--) {
                trees.push(t.getChild(i));
                depths.push(depth);
            }
        }
        return null;
    }

    /** Thrown to stop a parse that went more than {@link #MAX_EXPRESSIONS} expressions deep. */
    private static final class TooDeep extends RuntimeException {
        final transient Token at;

        TooDeep(Token at) {
            super(null, null, false, false);
            this.at = at;
        }
    }

    /**
     * The generated parser, counting how deep its {@code expr} rule recurses: every nesting of the
     * grammar (brackets, calls, signs, right operands) goes through it, so this bounds the parser's
     * own recursion.
     */
    private static final class DepthLimitedParser extends RloParser {
        private int depth;

        DepthLimitedParser(TokenStream input) {
            super(input);
        }

        @Override
        public void enterRecursionRule(ParserRuleContext ctx, int state, int rule, int precedence) {
            if (++depth > MAX_EXPRESSIONS) {
                throw new TooDeep(getCurrentToken());
            }
            super.enterRecursionRule(ctx, state, rule, precedence);
        }

        @Override
        public void unrollRecursionContexts(ParserRuleContext parent) {
            depth--;
            super.unrollRecursionContexts(parent);
        }
    }
}
