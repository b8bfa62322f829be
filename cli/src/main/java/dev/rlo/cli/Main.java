package dev.rlo.cli;

import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.FileRead;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code rlo} command. Exit codes (spec/cli.md): 0 success, 1 errors in the user's files,
 * 2 bad usage, 3 an internal error of rlo itself, which prints a one-line apology and no stack trace
 * unless {@code --debug} is given. Every command runs on a {@link Limits#thread} and ends in
 * {@link #failure} when it throws, whatever it throws.
 */
@Command(name = "rlo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {CheckCommand.class, CompileCommand.class, EvalCommand.class, GradcheckCommand.class, BenchCommand.class, TrainCommand.class, ReplCommand.class},
        description = "A language and compiler for reinforcement-learning objectives.",
        footer = {"", "Run `rlo COMMAND --help` for a command's options. The language: spec/README.md.",
                "`rlo sweep FILE` runs a file's sweep on Apache Spark (spec/cli.md#sweep); ./rlo loads Spark for it alone."})
public final class Main implements Runnable {

    public static final int OK = 0;
    public static final int USER_ERRORS = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an internal error.")
    boolean debug;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. rlo check examples/");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, CommandLine.defaultFactory());
    }

    /** Like {@link #run(String[], PrintWriter, PrintWriter)}, with commands made by {@code factory}. */
    static int run(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        try {
            return Limits.onThread("rlo", () -> execute(args, out, err, factory));
        } catch (Exception e) {
            return failure(e, err, false);   /* execute catches everything; this is for form's sake */
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        Main main = new Main();
        CommandLine cli = new CommandLine(main, factory);
        sweep(cli, factory);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, err, main.debug));
        try {
            return cli.execute(args);
        } catch (Error e) {   /* picocli hands only Exceptions to the handler */
            return failure(e, err, main.debug);
        }
    }

    /**
     * What a command that threw prints and exits with: a user's mistake found late (exit 1), a
     * source file that cannot be read (2), memory exhausted (1, with the heap's size and how to raise
     * it), anything else a bug in rlo (3).
     */
    static int failure(Throwable e, PrintWriter err, boolean debug) {
        int code = switch (e) {
            case UserError u -> {
                err.println("rlo: " + u.getMessage());
                yield USER_ERRORS;
            }
            case UncheckedIOException u -> {
                err.println("rlo: " + u.getMessage());
                yield USAGE;
            }
            case OutOfMemoryError o -> {
                err.println("rlo: out of memory (the JVM may use " + Limits.size(Runtime.getRuntime().maxMemory())
                        + "); the inputs or sizes may be too large, or give it more with RLO_JAVA_OPTS=-Xmx…");
                yield USER_ERRORS;
            }
            default -> {
                err.println("rlo: internal error: " + e + ". This is a bug in rlo; please report it"
                        + (debug ? "." : " (run with --debug for the stack trace)."));
                yield INTERNAL;
            }
        };
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * Adds {@code rlo sweep} when its module, which brings Apache Spark, is on the class path: the
     * launcher puts it there for that command alone (spec/cli.md#sweep).
     */
    private static void sweep(CommandLine cli, CommandLine.IFactory factory) {
        try {
            cli.addSubcommand(factory.create(Class.forName("dev.rlo.sweep.SweepCommand")));
        } catch (ClassNotFoundException absent) {
            /* rlo without Spark */
        } catch (Exception e) {
            throw new IllegalStateException("cannot create rlo sweep", e);
        }
    }

    /** The version Maven wrote into version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                p.load(in);
            }
            return new String[] {"rlo " + p.getProperty("version") + " (Java " + Runtime.version() + ")"};
        }
    }
}
