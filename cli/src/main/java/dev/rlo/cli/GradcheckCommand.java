package dev.rlo.cli;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlo gradcheck FILE}: compiled gradients against central finite differences in f64 (spec/cli.md#gradcheck). */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check an objective's gradients against finite differences, in f64.")
final class GradcheckCommand extends ObjectiveCommand {

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "The size of a dimension (repeatable; default 3, 4, 5, … in order).")
    Map<String, Long> sizes = new LinkedHashMap<>();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--tolerance", paramLabel = "TOL", description = "Largest error allowed (default: ${DEFAULT-VALUE}).")
    double tolerance = 1e-6;

    @Option(names = "--max-elements", paramLabel = "N", description = "Elements checked per input, at most (default: ${DEFAULT-VALUE}).")
    int maxElements = 64;

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        if (maxElements < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-elements must be at least 1, not " + maxElements);
        }
        var g = compiler.graph(objective, Map.of(), true, false);
        Gradcheck.Report report = Gradcheck.run(compiler, objective, hyper,
                new Gradcheck.Options(sizes, seed, tolerance, maxElements, inputs(g)));
        out.println("gradcheck " + objective + ": f64, seed " + seed + "; error = |analytic - numeric| / max(1, |numeric|)");
        int width = report.inputs().stream().mapToInt(r -> r.input().length()).max().orElse(5);
        for (Gradcheck.InputResult r : report.inputs()) {
            out.printf("  %-" + width + "s  %3d elements  max error %.2e at %s  (analytic %.9g, numeric %.9g)  %s%n",
                    r.input(), r.checked(), r.error(), r.at(), r.analytic(), r.numeric(), r.error() <= tolerance ? "ok" : "FAIL");
        }
        out.println(report.passed() ? "passed (tolerance " + tolerance + ")" : "FAILED (tolerance " + tolerance + ")");
        out.flush();
        return report.passed() ? Main.OK : Main.USER_ERRORS;
    }
}
