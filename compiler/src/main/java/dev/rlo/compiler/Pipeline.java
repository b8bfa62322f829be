package dev.rlo.compiler;

import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.check.Checker;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrVerifier;
import dev.rlo.compiler.lower.Lowerer;
import dev.rlo.compiler.pass.AutodiffPass;
import dev.rlo.compiler.pass.CsePass;
import dev.rlo.compiler.pass.FoldPass;
import dev.rlo.compiler.pass.Pass;
import java.util.List;
import java.util.Map;

/**
 * From a checked objective to the graph a backend runs: lowering (with every fn inlined), then the
 * passes, in order. With {@code -Drlo.verify=true} (always in tests) the {@link IrVerifier} checks
 * the graph after lowering and after every pass.
 */
public final class Pipeline {

    static final List<Pass> PASSES = List.of(
            new AutodiffPass(),   // append d loss / d input for every grad input
            new FoldPass(),       // constant folding, algebraic identities
            new CsePass());       // one node per distinct computation; the copy also drops dead nodes

    private static final boolean VERIFY = Boolean.getBoolean("rlo.verify");

    private Pipeline() { }

    /** Lowers {@code objective} and runs every pass; {@code hyper} overrides hyper-parameter defaults. */
    public static Graph compile(Checker checker, FnDecl objective, Map<String, Double> hyper, boolean f64) {
        Graph g = Lowerer.lower(checker, objective, hyper, f64);
        verify(g, "lower");
        for (Pass p : PASSES) {
            g = p.run(g);
            verify(g, p.name());
        }
        return g;
    }

    /** Lowering alone, before autodiff: the forward graph. */
    public static Graph lowerOnly(Checker checker, FnDecl objective, Map<String, Double> hyper, boolean f64) {
        Graph g = Lowerer.lower(checker, objective, hyper, f64);
        verify(g, "lower");
        return new FoldPass().run(g);
    }

    private static void verify(Graph g, String after) {
        if (VERIFY) {
            IrVerifier.verify(g, after);
        }
    }
}
