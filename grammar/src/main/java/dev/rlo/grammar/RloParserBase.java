package dev.rlo.grammar;

import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The one predicate rlo's grammar needs: where a line break ends an expression.
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
                case RloLexer.LPAREN, RloLexer.LBRACK -> {
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
