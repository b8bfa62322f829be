package dev.rlo.cli;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Graph;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code rlo gradcheck FILE}: compiled gradients against central finite differences in f64 (spec/cli.md#gradcheck). */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check an objective's gradients against finite differences, in f64.")
final class GradcheckCommand extends ObjectiveCommand {

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "The size of a dimension (repeatable; default 3, 4, 5, … in order).")
    Map<String, Long> sizes = new LinkedHashMap<>();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--tolerance", paramLabel = "TOL", description = "Largest error allowed, a finite number >= 0 (default: ${DEFAULT-VALUE}).")
    double tolerance = 1e-6;

    @Option(names = "--max-elements", paramLabel = "N", description = "Elements checked per input, at most (default: ${DEFAULT-VALUE}).")
    int maxElements = 64;

    @Option(names = "--range", paramLabel = "NAME=LO,HI",
            description = "Draw float input NAME uniformly in [LO, HI] instead of from a standard normal (repeatable).")
    Map<String, String> ranges = new LinkedHashMap<>();

    @Option(names = "--plain", description = "Difference the loss through its stopgrads too (by default each is held at its base-point value).")
    boolean plain;

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tolerance must be a finite number >= 0, not " + tolerance);
        }
        if (maxElements < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-elements must be at least 1, not " + maxElements);
        }
        List<Graph.Input> declared = compiler.inputs(objective);
        if (declared.stream().noneMatch(Graph.Input::grad)) {
            throw new UserError("`" + objective + "` has no grad input, so it has no gradient to check; it only reports");
        }
        Given given = given(compiler, objective);
        Gradcheck.Report report = Gradcheck.run(compiler, objective, given.hyper(),
                new Gradcheck.Options(sizes, seed, tolerance, maxElements, given.inputs(), ranges(declared), plain));
        out.println("gradcheck " + objective + ": f64, seed " + seed + "; error = |analytic - numeric| / max(1, |numeric|)");
        if (report.held() > 0) {
            out.println("finite differences hold " + report.held() + " stopgrad(...) at " + (report.held() == 1 ? "its value" : "their values")
                    + " at the base point, as the gradient does (--plain: through them)");
        }
        int width = report.inputs().stream().mapToInt(r -> r.input().length()).max().orElse(5);
        for (Gradcheck.InputResult r : report.inputs()) {
            out.printf("  %-" + width + "s  %3d elements  max error %.2e at %s  (analytic %.9g, numeric %.9g)  %s%n",
                    r.input(), r.checked(), r.error(), r.at(), r.analytic(), r.numeric(),
                    r.error() > tolerance ? "FAIL" : r.allZero() ? "ok (all exactly 0)" : "ok");
        }
        Gradcheck.InputResult worst = report.worst();
        if (worst != null && worst.error() > 0) {
            out.printf("worst: %s%s, error %.2e%n", worst.input(), worst.at(), worst.error());
        }
        if (report.vacuous()) {
            out.println("passed vacuously: every gradient checked is exactly 0 (does the loss depend on the grad inputs here?)");
        } else {
            out.println(report.passed() ? "passed (tolerance " + tolerance + ")" : "FAILED (tolerance " + tolerance + ")");
        }
        out.flush();
        return report.passed() ? Main.OK : Main.USER_ERRORS;
    }

    /** {@code --range NAME=LO,HI}, checked: NAME a float input, LO < HI finite. */
    private Map<String, double[]> ranges(List<Graph.Input> declared) {
        Map<String, double[]> out = new LinkedHashMap<>();
        ranges.forEach((name, text) -> {
            Graph.Input in = declared.stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
            if (in == null || !in.type().dtype().isFloat()) {
                throw new UserError("--range " + name + ": " + (in == null ? "no input `" + name + "`" : "`" + name + "` is " + in.type())
                        + "; the float inputs are " + declared.stream().filter(i -> i.type().dtype().isFloat()).map(Graph.Input::name).toList());
            }
            String[] parts = text.split(",", -1);
            double lo = parts.length == 2 ? parse(parts[0]) : Double.NaN;
            double hi = parts.length == 2 ? parse(parts[1]) : Double.NaN;
            if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--range " + name + "=" + text
                        + ": expected LO,HI, two finite numbers with LO < HI");
            }
            out.put(name, new double[] {lo, hi});
        });
        return out;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
