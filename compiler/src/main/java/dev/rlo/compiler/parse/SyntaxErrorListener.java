package dev.rlo.compiler.parse;

import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.grammar.RloLexer;
import dev.rlo.grammar.RloParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into rlo diagnostics (E001–E004) whose messages say what was found,
 * what was expected, in rlo's words, and why where the cause is a known trap (a line that begins
 * with an operator, a body without a final expression). ANTLR's own message text is not used.
 */
final class SyntaxErrorListener extends BaseErrorListener {

    /** Token types that begin an expression, folded into "an expression" when one is expected. */
    private static final int[] EXPRESSION_STARTS = {RloLexer.IDENT, RloLexer.INT, RloLexer.FLOAT,
        RloLexer.LPAREN, RloLexer.MINUS, RloLexer.NOT, RloLexer.LBRACK};

    private final SourceFile file;
    private final Diagnostics diags;
    private int lastErrorDeclaration = -1;

    SyntaxErrorListener(SourceFile file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
                            String antlrMessage, RecognitionException e) {
        Token token = (Token) offending;
        Parser parser = (Parser) recognizer;
        int declaration = declarationStart(parser, token);
        if (declaration == lastErrorDeclaration) {
            return; /* one syntax error per declaration: later ones are mostly echoes of the first */
        }
        lastErrorDeclaration = declaration;
        SourceSpan span = spanOf(token);
        switch (token.getType()) {
            case RloLexer.UNEXPECTED_CHAR -> diags.error(Code.E002, span,
                    "unexpected character " + describeChar(token.getText()));
            case RloLexer.UNTERMINATED_STRING -> diags.error(Code.E003, span,
                    "unterminated string", "close it with `\"` on the same line");
            case RloLexer.DOC_COMMENT -> diags.error(Code.E004, span,
                    "a doc comment `///` must come right before a fn, objective, train or sweep",
                    "use `//` for a plain comment");
            default -> {
                IntervalSet expected = expectedAt(parser, token, e);
                if (startsLine(parser, token) && isContinuation(token.getType())) {
                    diags.error(Code.E001, span, "unexpected `" + token.getText() + "` at the start of a line",
                            "a line that begins with `" + token.getText() + "` starts a new expression; to continue"
                                    + " the line above, end it with the operator or wrap the expression in ( )");
                } else if (token.getType() == RloLexer.LBRACK && !(parser.getContext() instanceof RloParser.TypeContext)) {
                    diags.error(Code.E001, span, "unexpected `[`",
                            "after a value, `[` starts a gather `x[A = index]` or a rename `x[N -> M]`");
                } else {
                    diags.error(Code.E001, span, "unexpected " + describe(token) + expecting(expected),
                            hint(parser, token, expected));
                }
            }
        }
    }

    /**
     * The tokens the parser could have accepted at {@code token}, or null when unknown: when
     * prediction failed further ahead than where its decision started, the decision's own
     * expectations would describe the wrong place.
     */
    private static IntervalSet expectedAt(Parser parser, Token token, RecognitionException e) {
        if (e instanceof NoViableAltException nva && nva.getStartToken() != token) {
            return null;
        }
        return e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
    }

    /** The index of the token that starts the top-level declaration holding {@code token}. */
    private static int declarationStart(Parser parser, Token token) {
        for (int i = Math.max(0, token.getTokenIndex()); i > 0; i--) {
            switch (parser.getTokenStream().get(i).getType()) {
                case RloLexer.FN, RloLexer.OBJECTIVE, RloLexer.TRAIN, RloLexer.SWEEP, RloLexer.IMPORT -> {
                    return i;
                }
                default -> { }
            }
        }
        return 0;
    }

    private SourceSpan spanOf(Token token) {
        if (token.getType() == Token.EOF) {
            int end = file.text().length();
            return new SourceSpan(file, end, end);
        }
        return SourceSpan.ofCodePoints(file, token.getStartIndex(), token.getStopIndex() + 1);
    }

    private static boolean startsLine(Parser parser, Token token) {
        Token previous = parser.getTokenStream().LT(-1);
        return previous != null && previous.getType() != Token.EOF && previous.getLine() < token.getLine()
                && previous.getTokenIndex() < token.getTokenIndex();
    }

    private static String hint(Parser parser, Token token, IntervalSet expected) {
        int type = token.getType();
        if (type == RloLexer.RBRACE && parser.getContext() instanceof RloParser.BodyContext) {
            return "a fn or objective body ends with the expression it returns";
        }
        if (type == RloLexer.IMPORT) {
            return "imports come before all declarations";
        }
        String literal = RloLexer.VOCABULARY.getLiteralName(type);
        if (literal != null && Character.isLetter(literal.charAt(1)) && expected != null
                && expected.contains(RloLexer.IDENT)) {
            return "`" + token.getText() + "` is a keyword; choose another name";
        }
        return null;
    }

    private static boolean isContinuation(int type) {
        return switch (type) {
            case RloLexer.MINUS, RloLexer.PLUS, RloLexer.STAR, RloLexer.SLASH, RloLexer.POW,
                 RloLexer.LPAREN, RloLexer.LBRACK, RloLexer.LT, RloLexer.LE, RloLexer.GT,
                 RloLexer.GE, RloLexer.EQ, RloLexer.NE, RloLexer.AND, RloLexer.OR -> true;
            default -> false;
        };
    }

    /** {@code "; expected `)`, `,` or an expression"}, or nothing when the set is too large to help. */
    private static String expecting(IntervalSet expected) {
        if (expected == null || expected.isNil()) {
            return "";
        }
        boolean expression = expected.contains(RloLexer.IDENT) && expected.contains(RloLexer.INT)
                && expected.contains(RloLexer.LPAREN);
        List<String> names = new ArrayList<>();
        for (int type : expected.toList()) {
            if (!(expression && isExpressionToken(type))) {
                names.add(describeType(type));
            }
        }
        if (expression) {
            names.add("an expression");
        }
        if (names.size() > 4) {
            return "";
        }
        String last = names.removeLast();
        return "; expected " + (names.isEmpty() ? last : String.join(", ", names) + " or " + last);
    }

    private static boolean isExpressionToken(int type) {
        for (int start : EXPRESSION_STARTS) {
            if (start == type) {
                return true;
            }
        }
        return type == RloLexer.STRING || type == RloLexer.TRUE || type == RloLexer.FALSE
                || type == RloLexer.DTYPE || type == RloLexer.REPL_TENSOR || type == RloLexer.REPL_LOAD
                || type == RloLexer.REPL_LIST || isContinuation(type);
    }

    private static String describe(Token token) {
        return switch (token.getType()) {
            case Token.EOF -> "end of file";
            case RloLexer.IDENT -> "name `" + token.getText() + "`";
            case RloLexer.INT, RloLexer.FLOAT -> "number `" + token.getText() + "`";
            case RloLexer.STRING -> "string " + token.getText();
            default -> "`" + token.getText() + "`";
        };
    }

    private static String describeType(int type) {
        return switch (type) {
            case Token.EOF -> "end of file";
            case RloLexer.IDENT -> "a name";
            case RloLexer.INT -> "an integer";
            case RloLexer.FLOAT -> "a number";
            case RloLexer.STRING -> "a string";
            case RloLexer.DTYPE -> "a dtype (f32, f64, i32, bool)";
            case RloLexer.DOC_COMMENT -> "a doc comment";
            default -> {
                String literal = RloLexer.VOCABULARY.getLiteralName(type);
                yield literal == null ? RloLexer.VOCABULARY.getSymbolicName(type)
                        : "`" + literal.substring(1, literal.length() - 1) + "`";
            }
        };
    }

    private static String describeChar(String text) {
        int c = text.codePointAt(0);
        return c < 0x20 || c == 0x7f ? String.format("U+%04X", c) : "`" + text + "`";
    }
}
