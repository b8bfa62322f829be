package dev.rlo.cli;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.check.TypesListing;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.resolve.SourceRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rlo check PATH...}: parse, resolve and type-check rlo files (spec/cli.md#check). */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check rlo files: syntax, names, dtypes and named-dimension shapes.")
class CheckCommand implements Callable<Integer> {

    enum Format { text, json }

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories (searched recursively for *.rlo).")
    private List<Path> paths;

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    private List<Path> libraryPath = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Format format = Format.text;

    @Option(names = "--types", description = "Also list the inferred type of every binding.")
    private boolean types;

    @Option(names = "--debug", description = "Print stack traces of internal errors.")
    private boolean debug;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = files();
        long start = System.nanoTime();
        Session session = new Session(libraryPath);
        boolean internal = false;
        boolean unreadable = false;
        StringBuilder listing = new StringBuilder();
        for (Path file : files) {
            try {
                LoadedModule module = check(session, file);
                if (types) {
                    listing.append(TypesListing.render(module, session.checker()));
                }
            } catch (UncheckedIOException e) {
                err.println("rlo: cannot read " + SourceRoot.Directory.display(file) + ": " + e.getCause().getMessage());
                unreadable = true;
            } catch (RuntimeException | StackOverflowError e) {
                internal = true;
                err.println("rlo: internal error while checking " + SourceRoot.Directory.display(file) + ": " + e
                        + ". This is a bug in rlo; please report it" + (debug ? "." : " (run with --debug for the stack trace)."));
                if (debug) {
                    e.printStackTrace(err);
                }
            }
        }
        Diagnostics diags = session.diagnostics();
        if (format == Format.json) {
            out.println(diags.toJson());
        } else {
            out.print(diags.toText());
            out.print(listing);
            out.println(summary(files.size(), diags, (System.nanoTime() - start) / 1e9));
        }
        out.flush();
        return internal ? Main.INTERNAL : unreadable ? Main.USAGE : diags.hasErrors() ? Main.USER_ERRORS : Main.OK;
    }

    /** Checks one file; the seam where tests make the compiler fail. */
    LoadedModule check(Session session, Path file) {
        return session.check(file);
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file or directory: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(f -> f.toString().endsWith(".rlo") && Files.isRegularFile(f) && !skipped(p, f))
                            .sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** Build output ({@code target/}) and hidden directories below a searched directory are skipped. */
    private static boolean skipped(Path root, Path file) {
        for (Path part : root.relativize(file).getParent() == null ? List.<Path>of() : root.relativize(file).getParent()) {
            if (part.toString().equals("target") || part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String summary(int files, Diagnostics diags, double seconds) {
        long errors = diags.errorCount();
        long inFiles = diags.sorted().stream().filter(d -> d.isError()).map(d -> d.span().file().path()).distinct().count();
        String result = errors == 0 ? "no errors"
                : errors + (errors == 1 ? " error" : " errors") + " in " + inFiles + (inFiles == 1 ? " file" : " files");
        return String.format("checked %d %s in %.2f s: %s", files, files == 1 ? "file" : "files", seconds, result);
    }
}
