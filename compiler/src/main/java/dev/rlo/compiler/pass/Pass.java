package dev.rlo.compiler.pass;

import dev.rlo.compiler.ir.Graph;

/** One step of {@link dev.rlo.compiler.Pipeline}: a graph in, a graph out. */
public interface Pass {

    /** The pass's short name, used in dumps and in verifier messages. */
    String name();

    Graph run(Graph graph);
}
