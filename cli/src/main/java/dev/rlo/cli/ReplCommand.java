package dev.rlo.cli;

import dev.rlo.cli.repl.Console;
import dev.rlo.cli.repl.Session;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlo repl}: explore objectives interactively, or run a script of REPL inputs (spec/cli.md#repl). */
@Command(name = "repl", mixinStandardHelpOptions = true, description = "Explore objectives interactively.")
final class ReplCommand implements Callable<Integer> {

    @Option(names = "--script", paramLabel = "FILE", description = "Run the inputs in FILE and print the transcript.")
    Path script;

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    List<Path> libraryPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Session session = new Session(Path.of("").toAbsolutePath(), libraryPath);
        PrintWriter out = spec.commandLine().getOut();
        if (script != null) {
            if (!Files.isRegularFile(script)) {
                spec.commandLine().getErr().println("rlo: no file " + script);
                return Main.USER_ERRORS;
            }
            try (BufferedReader in = Files.newBufferedReader(script)) {
                return Console.script(session, in, out) == 0 ? Main.OK : Main.USER_ERRORS;
            }
        }
        if (System.console() == null || !System.console().isTerminal()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return Console.script(session, in, out) == 0 ? Main.OK : Main.USER_ERRORS;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            Console.interactive(session, terminal, Path.of(System.getProperty("user.home"), ".rlo_history"));
        }
        return Main.OK;
    }
}
