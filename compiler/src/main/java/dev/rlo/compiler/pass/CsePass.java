package dev.rlo.compiler.pass;

import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;

/**
 * Common-subexpression elimination: a copy through a fresh {@link IrBuilder}, which makes each
 * distinct (op, inputs, attributes) once, so equal computations merge, bottom up.
 */
public final class CsePass implements Pass {

    @Override
    public String name() {
        return "cse";
    }

    @Override
    public Graph run(Graph graph) {
        return Rebuild.copy(graph, new IrBuilder(false), null);
    }
}
