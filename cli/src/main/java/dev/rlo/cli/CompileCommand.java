package dev.rlo.cli;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.UserError;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.CupyModule;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.gpu.GpuProgram;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlo compile FILE --emit WHAT}: what the compiler made of an objective (spec/cli.md#compile). */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile an objective and print what the compiler made of it.")
final class CompileCommand extends ObjectiveCommand {

    enum Emit { ir, plan, java, opencl, cuda }

    @Option(names = "--emit", paramLabel = "WHAT", required = true, description = "What to print: ${COMPLETION-CANDIDATES}.")
    Emit emit;

    @Option(names = "--forward", description = "Only the forward graph: lowered and folded, before autodiff.")
    boolean forward;

    @Option(names = "--python", description = "With --emit cuda: also write a Python module that runs the kernels with CuPy (needs -o).")
    boolean python;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Write OBJECTIVE.<ext> (and OBJECTIVE.py) into DIR instead of printing.")
    Path output;

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        if (python && (emit != Emit.cuda || output == null)) {
            throw new UserError("--python goes with --emit cuda and -o DIR (it writes OBJECTIVE.cu and OBJECTIVE.py there)");
        }
        Graph g = compiler.graph(objective, hyper, f64(), !forward);
        GpuProgram program = emit == Emit.opencl || emit == Emit.cuda
                ? GpuBackend.program(g, emit == Emit.opencl ? Dialect.OPENCL : Dialect.CUDA) : null;
        String text = switch (emit) {
            case ir -> IrPrinter.print(g);
            case plan -> PlanPrinter.print(FusePass.plan(g));
            case java -> CpuBackend.source(g);
            case opencl, cuda -> program.source();
        };
        if (output == null) {
            out.print(text);
            out.flush();
            return Main.OK;
        }
        String ext = program != null ? program.dialect().extension() : emit == Emit.java ? "java" : "txt";
        try {
            Files.createDirectories(output);
            Path file = output.resolve(objective + "." + ext);
            Files.writeString(file, text);
            out.println("wrote " + file);
            if (python) {
                Path module = output.resolve(objective + ".py");
                Files.writeString(module, CupyModule.render(g, objective + ".cu"));
                out.println("wrote " + module);
            }
        } catch (IOException e) {
            throw new UserError("cannot write into " + output + ": " + e.getMessage());
        }
        out.flush();
        return Main.OK;
    }
}
