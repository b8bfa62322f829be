package dev.rlo.compiler.backend;

import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;

/**
 * What every backend does (spec/ir.md#backends): compile a graph once, then run it on inputs as
 * often as asked. {@code reference} evaluates op by op; faster backends are tested against it.
 */
public interface Backend {

    String name();

    Executable compile(Graph graph);

    /** A compiled graph. */
    interface Executable {

        /**
         * Runs the graph on {@code inputs} (by input name, any layout of the declared dimensions) and
         * returns every output by name, each in its node's layout (gradients in their input's).
         *
         * @throws dev.rlo.compiler.UserError for missing, misshapen, mistyped or non-finite inputs
         */
        Map<String, Tensor> run(Map<String, Tensor> inputs);
    }
}
