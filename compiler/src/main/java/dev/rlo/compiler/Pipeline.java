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
        return passes(Lowerer.lower(checker, objective, hyper, f64), PASSES);
    }

    /** Lowering alone, before autodiff: the forward graph. */
    public static Graph lowerOnly(Checker checker, FnDecl objective, Map<String, Double> hyper, boolean f64) {
        return passes(Lowerer.lower(checker, objective, hyper, f64), List.of(new FoldPass()));
    }

    /**
     * An objective through every pass, or a fn lowered and folded, in f32 with its hyper-parameters
     * as knobs where they can be ({@link Lowerer#lowerWithKnobs}): what emitted Python runs, in
     * f32 or, its constants unrounded ({@link dev.rlo.compiler.ir.Attrs.Const#exact}), in f64.
     */
    public static Lowerer.Knobbed withKnobs(Checker checker, FnDecl fn, Map<String, Double> hyper) {
        Lowerer.Knobbed k = Lowerer.lowerWithKnobs(checker, fn, hyper, false);
        return new Lowerer.Knobbed(passes(k.graph(), fn.objective() ? PASSES : List.of(new FoldPass())), k.hyper(), k.choices());
    }

    private static Graph passes(Graph g, List<Pass> passes) {
        verify(g, "lower");
        for (Pass p : passes) {
            g = p.run(g);
            verify(g, p.name());
        }
        return g;
    }

    private static void verify(Graph g, String after) {
        if (VERIFY) {
            IrVerifier.verify(g, after);
        }
    }
}
