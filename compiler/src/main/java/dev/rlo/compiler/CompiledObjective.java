package dev.rlo.compiler;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An objective compiled for a backend: call {@link #run} with its inputs to get the loss, the
 * reports and the gradient with respect to every {@code grad} input.
 */
public final class CompiledObjective {

    /** What one run gives. */
    public record Result(Tensor loss, Map<String, Tensor> reports, Map<String, Tensor> grads) { }

    private final Graph graph;
    private final Backend.Executable executable;

    CompiledObjective(Graph graph, Backend.Executable executable) {
        this.graph = graph;
        this.executable = executable;
    }

    public Graph graph() {
        return graph;
    }

    public List<Graph.Input> inputs() {
        return graph.inputs();
    }

    /** Runs on {@code inputs}, by input name; throws {@link UserError} for bad inputs. */
    public Result run(Map<String, Tensor> inputs) {
        return result(executable.run(inputs));
    }

    /** The value of a fn compiled alone ({@link Compiler#compileFn}) on {@code inputs}. */
    public Tensor apply(Map<String, Tensor> inputs) {
        return executable.run(inputs).get(Output.RESULT);
    }

    /**
     * Like {@link #run(Map)}, writing the gradient with respect to each input named in
     * {@code grads} into the array given there (the input's dimensions in declared order, its dtype,
     * row-major): a training loop's way to reuse its gradient buffers instead of allocating per step.
     */
    public Result run(Map<String, Tensor> inputs, Map<String, Tensor> grads) {
        Map<Output, Tensor> into = new LinkedHashMap<>();
        grads.forEach((name, t) -> {
            if (graph.output(Output.grad(name)) == null) {
                throw new UserError("`" + name + "` has no gradient here; the gradients are of " + graph.names(Output.Kind.GRAD));
            }
            into.put(Output.grad(name), t);
        });
        return result(executable.run(inputs, into));
    }

    /** The inputs' shapes and the outputs of the last {@link #runReusing}, whose arrays the next one writes into. */
    private Map<String, List<Long>> reusedShapes = Map.of();
    private Map<Output, Tensor> reused = Map.of();

    /**
     * Like {@link #run(Map)}, writing every output (the loss and reports too) into the arrays of
     * the previous reusing run where the inputs have the same shapes, and allocating them only on
     * the first run or when a size changes: a training loop's minibatch with no allocation for its
     * outputs (allocating an output array cost more than PPO's whole kernel at 256 samples). The
     * result's tensors are overwritten by the next reusing run: read them before it.
     */
    public synchronized Result runReusing(Map<String, Tensor> inputs) {
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        inputs.forEach((name, t) -> shapes.put(name, java.util.Arrays.stream(t.shape()).boxed().toList()));
        Map<Output, Tensor> out = shapes.equals(reusedShapes) ? executable.run(inputs, reused) : executable.run(inputs);
        reusedShapes = shapes;
        reused = out;
        return result(out);
    }

    private static Result result(Map<Output, Tensor> out) {
        Map<String, Tensor> reports = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        out.forEach((o, t) -> {
            switch (o.kind()) {
                case REPORT -> reports.put(o.name(), t);
                case GRAD -> grads.put(o.name(), t);
                case LOSS, RESULT -> { }
            }
        });
        return new Result(out.get(Output.LOSS), reports, grads);
    }
}
