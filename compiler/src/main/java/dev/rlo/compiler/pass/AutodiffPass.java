package dev.rlo.compiler.pass;

import dev.rlo.compiler.grad.Autodiff;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;

/** Appends the gradient of the loss with respect to every {@code grad} input ({@link Autodiff}). */
public final class AutodiffPass implements Pass {

    @Override
    public String name() {
        return "autodiff";
    }

    @Override
    public Graph run(Graph graph) {
        IrBuilder b = new IrBuilder(false);
        return Autodiff.differentiate(Rebuild.copy(graph, b, null), b);
    }
}
