package dev.rlo.grammar;

import org.antlr.v4.runtime.BufferedTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.WritableToken;

/**
 * The one predicate rlo's grammar needs, where a line break ends an expression; and REPL mode, where
 * REPL values begin.
 * <p>
 * rlo has no statement separator. Outside {@code ( )} and {@code [ ]}, an expression does not
 * continue onto a line that begins with a binary operator, {@code (} or {@code [}; such a line begins
 * a new expression (spec/syntax.md#line-breaks). Without the rule, {@code let x = a} followed by a
 * final expression {@code -mean(l)} on the next line would parse as {@code let x = a - mean(l)}.
 */
public abstract class RloParserBase extends Parser {

    protected RloParserBase(TokenStream input) {
        super(input);
    }

    /**
     * Parses REPL input (spec/syntax.md#repl-input): gives the first token of each REPL value its REPL type —
     * {@code randn}, {@code rand}, {@code zeros}, {@code ones} before {@code [}; {@code load} before
     * {@code (}; a {@code [} whose list is followed by {@code :} (a list with its type). Call it
     * before parsing.
     */
    public void replMode() {
        BufferedTokenStream tokens = (BufferedTokenStream) _input;
        tokens.fill();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            int next = tokens.get(i + 1).getType();
            int type = switch (t.getType()) {
                case RloLexer.IDENT -> switch (t.getText()) {
                    case "randn", "rand", "zeros", "ones" -> next == RloLexer.LBRACK ? RloLexer.REPL_TENSOR : t.getType();
                    case "load" -> next == RloLexer.LPAREN ? RloLexer.REPL_LOAD : t.getType();
                    default -> t.getType();
                };
                case RloLexer.LBRACK -> typedList(tokens, i) ? RloLexer.REPL_LIST : t.getType();
                default -> t.getType();
            };
            ((WritableToken) t).setType(type);
        }
    }

    /** Whether the bracket that closes the {@code [} at {@code open} is followed by {@code :}. */
    private static boolean typedList(BufferedTokenStream tokens, int open) {
        int depth = 0;
        for (int i = open; i + 1 < tokens.size(); i++) {
            switch (tokens.get(i).getType()) {
                case RloLexer.LBRACK, RloLexer.LPAREN -> depth++;
                case RloLexer.RBRACK, RloLexer.RPAREN -> {
                    if (--depth == 0) {
                        return tokens.get(i + 1).getType() == RloLexer.COLON;
                    }
                }
                default -> { }
            }
        }
        return false;
    }

    /** True when the next token may continue the expression that the previous token ended. */
    protected boolean continuesLine() {
        return sameLineOrBracketed(_input.LT(-1), _input.LT(1));
    }

    /** True when the next two tokens form {@code callee (}, the parenthesis not starting a new line. */
    protected boolean callFollows() {
        return sameLineOrBracketed(_input.LT(1), _input.LT(2));
    }

    private boolean sameLineOrBracketed(Token previous, Token next) {
        if (previous == null || next == null || previous.getLine() == next.getLine()) {
            return true;
        }
        return insideBrackets(next.getTokenIndex());
    }

    /** Scans back from {@code index} for an unclosed {@code (} or {@code [} before any brace. */
    private boolean insideBrackets(int index) {
        int depth = 0;
        for (int i = index - 1; i >= 0; i--) {
            switch (_input.get(i).getType()) {
                case RloLexer.RPAREN, RloLexer.RBRACK -> depth++;
                case RloLexer.LPAREN, RloLexer.LBRACK, RloLexer.REPL_LIST -> {
                    if (depth == 0) {
                        return true;
                    }
                    depth--;
                }
                case RloLexer.LBRACE, RloLexer.RBRACE -> {
                    return false;
                }
                default -> { }
            }
        }
        return false;
    }
}
