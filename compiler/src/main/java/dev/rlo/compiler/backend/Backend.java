package dev.rlo.compiler.backend;

import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;

/**
 * What every backend does (spec/ir.md#backends): compile a graph once, then run it on inputs as
 * often as asked. {@code reference} evaluates op by op; faster backends are tested against it.
 */
public interface Backend {

    String name();

    Executable compile(Graph graph);

    /**
     * Stops a run whose thread was interrupted (a REPL's Ctrl-C): backends call this between
     * kernels or nodes. Throws {@link java.util.concurrent.CancellationException}.
     */
    static void checkInterrupt() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("interrupted");
        }
    }

    /** A compiled graph. */
    interface Executable {

        /**
         * Runs the graph on {@code inputs} (by input name, any layout of the declared dimensions) and
         * returns every output, each in its node's layout (gradients in their input's).
         *
         * @throws dev.rlo.compiler.base.UserError for missing, misshapen, mistyped or non-finite inputs
         */
        Map<Output, Tensor> run(Map<String, Tensor> inputs);

        /**
         * Like {@link #run(Map)}, writing each output {@code into} has into the array given
         * there (its dimensions, in the output's order, and dtype; row-major), as a training loop
         * does with its gradient buffers: no allocation per step. Returns every output.
         */
        default Map<Output, Tensor> run(Map<String, Tensor> inputs, Map<Output, Tensor> into) {
            Map<Output, Tensor> out = run(inputs);
            into.forEach((name, t) -> {
                Tensor o = out.get(name);
                if (o == null) {
                    throw new dev.rlo.compiler.base.UserError("no output `" + name + "`; the outputs are " + out.keySet());
                }
                if (!o.dims().equals(t.dims()) || o.dtype() != t.dtype() || !java.util.Arrays.equals(o.shape(), t.shape())) {
                    throw new dev.rlo.compiler.base.UserError("the array given for output `" + name + "` is " + t + ", not " + o);
                }
                t.data().assign(o.data());
            });
            Map<Output, Tensor> result = new java.util.LinkedHashMap<>(out);
            result.putAll(into);
            return result;
        }
    }
}
