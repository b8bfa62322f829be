package dev.rlo.cli.repl;

import dev.rlo.cli.registry.Backends;
import dev.rlo.cli.registry.Emit;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.grammar.RloLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * What Tab offers for the word being typed, from the tokens before it (the grammar's lexer, so
 * strings and comments are what they are): after {@code over:} (or inside {@code over: [ … ]}) the
 * dimensions of the call's first argument; after {@code (} or {@code ,} the bound names; after a
 * command its arguments; elsewhere commands, builtins, keywords, the session's names and the
 * standard library's modules.
 */
final class Completion {

    private static final List<String> KEYWORDS = List.of("let", "import", "fn", "objective", "report", "grad", "randn", "rand",
            "zeros", "ones", "load");

    private Completion() { }

    /** The candidates for a word that begins after {@code before} and so far reads {@code word}. */
    static List<String> candidates(Session session, String before, String word) {
        String text = before.strip();
        if (text.isEmpty()) {
            return everything(session, true);
        }
        if (text.startsWith(":")) {
            int space = text.indexOf(' ');
            String command = space < 0 ? text : text.substring(0, space);
            return switch (command) {
                case ":backend" -> Backends.names();
                case ":save" -> space < 0 || text.indexOf(' ', space + 1) < 0 ? session.bound() : List.of();
                case ":help" -> everything(session, false);
                case ":load", ":reload", ":env", ":quit" -> List.of();
                default -> inExpression(session, before.substring(before.indexOf(command) + command.length()), word);
            };
        }
        if (text.startsWith("import")) {
            return Help.stdlibModules();
        }
        return inExpression(session, before, word);
    }

    private static List<String> inExpression(Session session, String before, String word) {
        List<Token> tokens = new ArrayList<>();
        RloLexer lexer = new RloLexer(CharStreams.fromString(before));
        lexer.removeErrorListeners();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            tokens.add(t);
        }
        int last = tokens.size() - 1;
        if (last >= 0) {
            int type = tokens.get(last).getType();
            int list = type == RloLexer.LBRACK ? last : type == RloLexer.COMMA ? unclosed(tokens, last) : -1;
            boolean overList = list >= 0 && tokens.get(list).getType() == RloLexer.LBRACK && over(tokens, list - 2);
            if (type == RloLexer.COLON && over(tokens, last - 1) || overList) {
                int call = unclosed(tokens, overList ? list - 2 : last - 1);
                return call < 0 ? List.of() : session.dims(firstArgument(before, tokens, call));
            }
            if ((type == RloLexer.LPAREN || type == RloLexer.COMMA) && word.isEmpty()) {
                return session.bound();
            }
        }
        return everything(session, false);
    }

    /** Whether the token at {@code at} is the name {@code over} followed by {@code :}. */
    private static boolean over(List<Token> tokens, int at) {
        return at >= 0 && at + 1 < tokens.size() && tokens.get(at).getText().equals("over")
                && tokens.get(at + 1).getType() == RloLexer.COLON;
    }

    /** The index of the innermost {@code (} or {@code [} left open before {@code end} (exclusive), or -1. */
    private static int unclosed(List<Token> tokens, int end) {
        int depth = 0;
        for (int i = end - 1; i >= 0; i--) {
            switch (tokens.get(i).getType()) {
                case RloLexer.RPAREN, RloLexer.RBRACK -> depth++;
                case RloLexer.LPAREN, RloLexer.LBRACK -> {
                    if (depth-- == 0) {
                        return i;
                    }
                }
                default -> { }
            }
        }
        return -1;
    }

    /** The text of the first argument of the call whose {@code (} is at {@code open}. */
    private static String firstArgument(String before, List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open + 1; i < tokens.size(); i++) {
            switch (tokens.get(i).getType()) {
                case RloLexer.LPAREN, RloLexer.LBRACK -> depth++;
                case RloLexer.RPAREN, RloLexer.RBRACK -> depth--;
                case RloLexer.COMMA -> {
                    if (depth == 0) {
                        return before.substring(tokens.get(open).getStopIndex() + 1, tokens.get(i).getStartIndex());
                    }
                }
                default -> { }
            }
        }
        return "";
    }

    private static List<String> everything(Session session, boolean commands) {
        List<String> words = new ArrayList<>(commands ? Session.COMMANDS : List.of());
        words.addAll(Builtin.names());
        words.addAll(KEYWORDS);
        words.addAll(session.names());
        words.addAll(Help.stdlibModules());
        return words;
    }
}
