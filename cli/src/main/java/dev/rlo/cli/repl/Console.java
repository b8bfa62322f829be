package dev.rlo.cli.repl;

import dev.rlo.grammar.RloLexer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The REPL's two front ends over a {@link Session}: an interactive one on a JLine terminal (line
 * editing, history in {@code ~/.rlo_history}, completion, blocks over several lines, Ctrl-C to stop
 * an evaluation) and a scripted one that reads inputs from a file or a pipe and writes a transcript.
 */
public final class Console {

    static final String PROMPT = "rlo> ";
    static final String MORE = "...> ";

    private Console() { }

    /** Reads inputs from {@code in} until it ends or {@code :quit}, echoing each after the prompt; returns the number of errors. */
    public static int script(Session session, BufferedReader in, PrintWriter out) throws IOException {
        StringBuilder input = new StringBuilder();
        int errors = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            out.println((input.isEmpty() ? PROMPT : MORE) + line);
            input.append(input.isEmpty() ? "" : "\n").append(line);
            if (!complete(input.toString())) {
                continue;
            }
            Session.Reply r = session.handle(input.toString());
            input.setLength(0);
            out.print(r.text());
            out.flush();
            errors += r.error() ? 1 : 0;
            if (r.quit()) {
                return errors;
            }
        }
        if (!input.isEmpty()) {
            out.println("error: the input ends inside an open bracket");
            errors++;
        }
        out.flush();
        return errors;
    }

    /** The line editor on {@code terminal}: blocks over several lines, completion, history in {@code history}. */
    static LineReader reader(Session session, Terminal terminal, Path history) {
        return LineReaderBuilder.builder().terminal(terminal).appName("rlo")
                .parser(new Blocks()).completer(new Names(session))
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, MORE)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
    }

    /** The interactive loop on {@code terminal}; evaluations run on a worker thread that Ctrl-C interrupts. */
    public static void interactive(Session session, Terminal terminal, Path history) {
        LineReader reader = reader(session, terminal, history);
        PrintWriter out = terminal.writer();
        out.println("rlo repl — :help for the commands, Ctrl-D to leave");
        ExecutorService worker = Executors.newSingleThreadExecutor(dev.rlo.compiler.base.Limits.threads("rlo-repl-eval"));
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return;
                }
                Future<Session.Reply> reply = worker.submit(() -> session.handle(line));
                Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> reply.cancel(true));
                Session.Reply r;
                try {
                    r = reply.get();
                } catch (java.util.concurrent.CancellationException | InterruptedException e) {
                    r = new Session.Reply("interrupted\n", false);
                    settle(worker);
                } catch (ExecutionException e) {
                    r = new Session.Reply("internal error: " + e.getCause() + " (a bug in rlo; please report it)\n", false);
                } finally {
                    terminal.handle(Terminal.Signal.INT, previous);
                }
                out.print(r.text());
                out.flush();
                if (r.quit()) {
                    return;
                }
            }
        } finally {
            worker.shutdownNow();
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                /* history is a convenience */
            }
        }
    }

    /**
     * Waits until the interrupted evaluation has stopped (the backends check between kernels), so
     * that the next input, and completion, never see the session while it is still changing.
     */
    private static void settle(ExecutorService worker) {
        try {
            worker.submit(() -> { }).get();
        } catch (InterruptedException | ExecutionException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code text} is a whole input: its brackets closed (by the grammar's lexer, so strings
     * and comments do not count), and not only doc comments, which belong to the definition after them.
     */
    static boolean complete(String text) {
        RloLexer lexer = new RloLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        int depth = 0;
        boolean docsOnly = false;
        boolean others = false;
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            switch (t.getType()) {
                case RloLexer.LPAREN, RloLexer.LBRACK, RloLexer.LBRACE -> depth++;
                case RloLexer.RPAREN, RloLexer.RBRACK, RloLexer.RBRACE -> depth--;
                default -> { }
            }
            docsOnly = t.getType() == RloLexer.DOC_COMMENT && !others;
            others |= t.getType() != RloLexer.DOC_COMMENT;
        }
        return depth <= 0 && !docsOnly;
    }

    /**
     * JLine's parser: asks for another line while brackets are open, and splits words at rlo's
     * punctuation (a {@code :} only after the start of the line, where it begins a command), so that
     * completion sees the name being typed after {@code mean(} or {@code over:}.
     */
    private static final class Blocks extends DefaultParser {
        Blocks() {
            setQuoteChars(new char[0]);
            setEscapeChars(new char[0]);
        }

        @Override
        public ParsedLine parse(String line, int cursor, Parser.ParseContext context) {
            if (context == Parser.ParseContext.ACCEPT_LINE && !complete(line)) {
                throw new EOFError(-1, -1, "an open bracket", "}");
            }
            return super.parse(line, cursor, context);
        }

        @Override
        public boolean isDelimiterChar(CharSequence buffer, int pos) {
            char c = buffer.charAt(pos);
            if (c == ':') {
                return !buffer.subSequence(0, pos).toString().isBlank();
            }
            return Character.isWhitespace(c) || "()[]{},+-*/=<>!".indexOf(c) >= 0;
        }
    }

    /** Completion by context ({@link Completion}). */
    private record Names(Session session) implements Completer {
        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            String before = line.line().substring(0, line.cursor() - line.wordCursor());
            for (String w : Completion.candidates(session, before, line.word())) {
                candidates.add(new Candidate(w));
            }
        }
    }
}
