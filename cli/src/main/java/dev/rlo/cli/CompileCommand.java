package dev.rlo.cli;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlo compile FILE --emit ir}: the objective's IR, after lowering and every pass (spec/cli.md#compile). */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile an objective and print what the compiler made of it.")
final class CompileCommand extends ObjectiveCommand {

    enum Emit { ir, plan, java }

    @Option(names = "--emit", paramLabel = "WHAT", required = true, description = "What to print: ${COMPLETION-CANDIDATES}.")
    Emit emit;

    @Option(names = "--forward", description = "Only the forward graph: lowered and folded, before autodiff.")
    boolean forward;

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        Graph g = compiler.graph(objective, hyper, f64(), !forward);
        out.print(switch (emit) {
            case ir -> IrPrinter.print(g);
            case plan -> PlanPrinter.print(FusePass.plan(g));
            case java -> CpuBackend.source(g);
        });
        out.flush();
        return Main.OK;
    }
}
