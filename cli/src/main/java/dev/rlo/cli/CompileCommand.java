package dev.rlo.cli;

import dev.rlo.cli.batch.CompileAll;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.gpu.CupyModule;
import dev.rlo.compiler.backend.python.PythonModule;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code rlo compile FILE --emit WHAT}: what the compiler made of an objective or fn, or the file as
 * a Python module (spec/cli.md#compile, spec/python.md).
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile an objective (or a fn) and print what the compiler made of it, or a file as a Python module.")
final class CompileCommand extends ObjectiveCommand {

    @Mixin
    DtypeOption dtype;

    enum Emit { ir, plan, schedule, java, opencl, cuda, torch, jax, numpy }

    @Option(names = "--emit", paramLabel = "WHAT", required = true, description = "What to print: ${COMPLETION-CANDIDATES}.")
    Emit emit;

    @Option(names = "--forward", description = "Only the forward graph: lowered and folded, before autodiff.")
    boolean forward;

    @Option(names = "--python", description = "With --emit cuda: also write a Python module that runs the kernels with CuPy (needs -o).")
    boolean python;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Write one artifact per fn and objective (one module per file for torch, jax, numpy) and a manifest.json into DIR "
                    + "(with --python: OBJECTIVE.cu and OBJECTIVE.py).")
    Path output;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PATH", description = "With -o: more files or directories.")
    List<Path> more = new ArrayList<>();

    /** With {@code -o DIR}: every objective of every file given (directories searched), one artifact each, and a manifest. */
    @Override
    public Integer call() {
        if (PythonModule.isDialect(emit.name()) && (forward || dtype.f64())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--emit " + emit + " writes what a call computes in f32 and in f64, with gradients: no --forward or --dtype");
        }
        if (output == null || python) {
            if (!more.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "several files need -o DIR (and no --python)");
            }
            return super.call();
        }
        List<Path> roots = new ArrayList<>(List.of(file));
        roots.addAll(more);
        for (Path p : roots) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file or directory: " + p);
            }
        }
        try {
            CompileAll.Outcome o = new CompileAll(emit.name(), hyper, dtype.f64(), !forward, libraryPath,
                    new Main.Version().getVersion()[0].split(" ")[1]).run(roots, objective, output);
            PrintWriter out = spec.commandLine().getOut();
            out.print(o.diagnostics());
            out.println(o.summary());
            out.flush();
            return o.failed() ? Main.USER_ERRORS : Main.OK;
        } catch (UserError e) {
            spec.commandLine().getErr().println("rlo: " + e.getMessage());
            return Main.USER_ERRORS;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Fns too; a Python module is of the whole file, so it needs no choice. */
    @Override
    String choose(Compiler compiler) {
        return PythonModule.isDialect(emit.name()) ? objective : compiler.fnOrObjective(objective);
    }

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        if (python && (emit != Emit.cuda || output == null)) {
            throw new UserError("--python goes with --emit cuda and -o DIR (it writes OBJECTIVE.cu and OBJECTIVE.py there)");
        }
        if (PythonModule.isDialect(emit.name())) {
            if (objective != null) {
                compiler.fnOrObjective(objective);
            }
            if (!hyper.isEmpty() && compiler.decls().stream().noneMatch(d -> d.params().stream()
                    .anyMatch(p -> p.isHyper() && hyper.containsKey(p.name().name())))) {
                throw new UserError("no fn or objective has the hyper-parameters given with --set: " + String.join(", ", hyper.keySet()));
            }
            out.print(PythonModule.render(emit.name(), file.getFileName().toString(), compiler.pythonCallables(hyper, objective)));
            out.flush();
            return Main.OK;
        }
        Graph g = compiler.graph(objective, hyper, dtype.f64(), !forward);
        if (output == null) {
            out.print(CompileAll.artifact(emit.name(), g));
            out.flush();
            return Main.OK;
        }
        try {
            Files.createDirectories(output);
            Path cu = output.resolve(objective + ".cu");
            Files.writeString(cu, CompileAll.artifact(emit.name(), g));
            Path module = output.resolve(objective + ".py");
            Files.writeString(module, CupyModule.render(g, objective + ".cu"));
            out.println("wrote " + cu + "\nwrote " + module);
        } catch (IOException e) {
            throw new UserError("cannot write into " + output + ": " + e.getMessage());
        }
        out.flush();
        return Main.OK;
    }
}
