package dev.rlo.cli;

import dev.rlo.cli.batch.Batch;
import dev.rlo.cli.batch.Finding;
import dev.rlo.cli.batch.RloFiles;
import dev.rlo.cli.batch.Sarif;
import dev.rlo.cli.batch.TrainCheck;
import dev.rlo.compiler.Session;
import dev.rlo.compiler.check.TypesListing;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.resolve.SourceRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rlo check PATH...}: parse, resolve and type-check rlo files, many at once (spec/cli.md#check). */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check rlo files: syntax, names, dtypes and named-dimension shapes.")
class CheckCommand implements Callable<Integer> {

    enum Format { text, json, sarif }

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories (searched recursively for *.rlo).")
    private List<Path> paths;

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    private List<Path> libraryPath = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Format format = Format.text;

    @Option(names = "--werror", description = "Treat warnings as errors (exit 1).")
    private boolean werror;

    @Option(names = "--cache", paramLabel = "DIR", description = "The cache of results of unchanged files (default: ${DEFAULT-VALUE}).")
    private Path cache = Path.of(".rlo-cache");

    @Option(names = "--no-cache", description = "Check every file, and leave the cache alone.")
    private boolean noCache;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Files checked at once (default: the processors).")
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--types", description = "Also list the inferred type of every binding (checks one file at a time, uncached).")
    private boolean types;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = files();
        long start = System.nanoTime();
        if (types) {
            return typesListing(files, out);
        }
        Batch.Report report = Batch.check(files, libraryPath, noCache ? null : cache, new Main.Version().getVersion()[0], jobs, this::check);
        report.results().stream().map(Batch.Result::cacheProblem).filter(java.util.Objects::nonNull).findFirst()
                .ifPresent(problem -> err.println("rlo: warning: " + problem + "; results are not cached"));
        boolean debug = ((Main) spec.root().userObject()).debug;
        boolean internal = false;
        boolean unreadable = false;
        for (Batch.Result r : report.results()) {
            if (r.unreadable() != null) {
                unreadable = true;
                err.println("rlo: " + r.unreadable());
            }
            if (r.internal() != null) {
                internal = true;
                err.println("rlo: internal error while checking " + SourceRoot.Directory.display(r.file()) + ": " + r.internal()
                        + ". This is a bug in rlo; please report it" + (debug ? "." : " (run with --debug for the stack trace)."));
                if (debug) {
                    r.internal().printStackTrace(err);
                }
            }
        }
        switch (format) {
            case json -> out.println(json(report.findings()));
            case sarif -> out.println(Sarif.render(report.findings(), new Main.Version().getVersion()[0].split(" ")[1]));
            case text -> {
                for (Finding f : report.findings()) {
                    out.print(f.text());
                    out.println();
                }
                out.println(summary(files.size(), report, (System.nanoTime() - start) / 1e9));
            }
        }
        out.flush();
        boolean failed = report.errors() > 0 || werror && report.warnings() > 0;
        return internal ? Main.INTERNAL : unreadable ? Main.USAGE : failed ? Main.USER_ERRORS : Main.OK;
    }

    /** Checks one file, its sweeps' configurations included; the seam where tests make the compiler fail. */
    LoadedModule check(Session session, Path file) {
        return TrainCheck.check(session, file);
    }

    private int typesListing(List<Path> files, PrintWriter out) {
        Session session = new Session(libraryPath);
        StringBuilder listing = new StringBuilder();
        for (Path file : files) {
            listing.append(TypesListing.render(check(session, file), session.checker()));
        }
        out.print(session.diagnostics().toText());
        out.print(listing);
        out.flush();
        return session.diagnostics().hasErrors() ? Main.USER_ERRORS : Main.OK;
    }

    private static String json(List<Finding> findings) {
        if (findings.isEmpty()) {
            return "[]";
        }
        StringBuilder s = new StringBuilder("[");
        String sep = "\n  ";
        for (Finding f : findings) {
            s.append(sep).append(Json.write(f.toJson()));
            sep = ",\n  ";
        }
        return s.append("\n]").toString();
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file or directory: " + p);
            }
            files.addAll(RloFiles.find(p));
        }
        return files;
    }

    /**
     * {@code checked 37 files in 0.41 s: 2 errors in 1 file, 1 warning (35 unchanged, from the cache)};
     * files that could not be read or met an internal error are counted too, never as "no errors".
     */
    static String summary(int files, Batch.Report report, double seconds) {
        long errors = report.errors();
        long warnings = report.warnings();
        long inFiles = report.findings().stream().filter(Finding::isError).map(Finding::file).distinct().count();
        long unread = report.results().stream().filter(r -> r.unreadable() != null).count();
        long internal = report.results().stream().filter(r -> r.internal() != null).count();
        List<String> parts = new ArrayList<>();
        if (errors > 0) {
            parts.add(errors + (errors == 1 ? " error" : " errors") + " in " + inFiles + (inFiles == 1 ? " file" : " files"));
        }
        if (unread > 0) {
            parts.add(unread + (unread == 1 ? " file" : " files") + " not read");
        }
        if (internal > 0) {
            parts.add(internal + (internal == 1 ? " file" : " files") + " not checked (internal error)");
        }
        String result = parts.isEmpty() ? "no errors" : String.join(", ", parts);
        if (warnings > 0) {
            result += ", " + warnings + (warnings == 1 ? " warning" : " warnings");
        }
        long cached = report.cached();
        return String.format(java.util.Locale.ROOT, "checked %d %s in %.2f s: %s%s", files, files == 1 ? "file" : "files", seconds, result,
                cached == 0 ? "" : " (" + cached + " unchanged, from the cache)");
    }
}
