package dev.rlo.cli.repl;

import dev.rlo.compiler.check.Builtin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /** The interactive loop on {@code terminal}; evaluations run on a worker thread that Ctrl-C interrupts. */
    public static void interactive(Session session, Terminal terminal, Path history) {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("rlo")
                .parser(new Blocks()).completer(new Names(session))
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, MORE)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        PrintWriter out = terminal.writer();
        out.println("rlo repl — :help for the commands, Ctrl-D to leave");
        ExecutorService worker = Executors.newSingleThreadExecutor(dev.rlo.compiler.Limits.threads("rlo-repl-eval"));
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

    /** Whether {@code text} is a whole input: its brackets closed (outside strings and comments). */
    static boolean complete(String text) {
        if (text.lines().allMatch(l -> l.strip().startsWith("///"))) {
            return false;     /* doc comments belong to the definition that follows */
        }
        int depth = 0;
        boolean string = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (string) {
                string = c != '"';
            } else if (c == '"') {
                string = true;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if ("([{".indexOf(c) >= 0) {
                depth++;
            } else if (")]}".indexOf(c) >= 0) {
                depth--;
            }
        }
        return depth <= 0;
    }

    /** JLine's parser, asking for another line while brackets are open. */
    private static final class Blocks extends DefaultParser {
        @Override
        public ParsedLine parse(String line, int cursor, Parser.ParseContext context) {
            if (context == Parser.ParseContext.ACCEPT_LINE && !complete(line)) {
                throw new EOFError(-1, -1, "an open bracket", "}");
            }
            return super.parse(line, cursor, context);
        }
    }

    /** Completion of commands, builtins, special forms, the session's names and the standard library's modules. */
    private record Names(Session session) implements Completer {
        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            List<String> words = new ArrayList<>(Session.COMMANDS);
            words.addAll(Builtin.names());
            words.addAll(List.of("let", "import", "fn", "objective", "wrt", "randn", "rand", "zeros", "ones", "load", "cpu", "reference",
                    "opencl", "cuda"));
            words.addAll(List.of("std.advantage", "std.aggregate", "std.bellman", "std.kl", "std.policy", "std.preference", "std.risk",
                    "std.value"));
            words.addAll(session.names());
            for (String w : words) {
                candidates.add(new Candidate(w));
            }
        }
    }
}
