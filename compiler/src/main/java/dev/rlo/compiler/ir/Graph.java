package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.DimSize;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled objective in IR: its inputs, its {@link Output}s — the loss, the reports and, after
 * autodiff, the gradients; or, for a fn compiled alone (a training loop's stage), its result — and the renames of the source, which say where each
 * dimension that is not an input's takes its size from (spec/ir.md#graphs). A graph holds exactly
 * what its outputs reach, so it has no dead code.
 *
 * @param renames every {@code from -> to} the lowering met, in order, even where the renamed value
 *                itself is no longer needed (its new dimension may still be)
 * @param sizes   the sizes the objective's parameters declare ({@code S = 2}, {@code T1 = T + 1}),
 *                which binding the inputs checks
 */
public record Graph(String name, List<Input> inputs, Map<Output, Node> outputs, List<Attrs.Rename> renames,
                    Map<String, DimSize> sizes) {

    /**
     * An objective input: its name, declared type and whether it is differentiated; or a
     * <em>knob</em>, a hyper-parameter lowered as a scalar input so that a host sets it per call
     * (emitted Python), whose {@code knob} is its value when the caller gives none (null for data).
     */
    public record Input(String name, TensorType type, boolean grad, Double knob) {
        public Input(String name, TensorType type, boolean grad) {
            this(name, type, grad, null);
        }

        public boolean isKnob() {
            return knob != null;
        }
    }

    public Graph(String name, List<Input> inputs, Map<Output, Node> outputs, List<Attrs.Rename> renames) {
        this(name, inputs, outputs, renames, Map.of());
    }

    public Graph {
        sizes = Map.copyOf(sizes);
        inputs = List.copyOf(inputs);
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        renames = List.copyOf(renames);
    }

    public Graph withOutputs(Map<Output, Node> newOutputs) {
        return new Graph(name, inputs, newOutputs, renames, sizes);
    }

    /** The output {@code o}, or null. */
    public Node output(Output o) {
        return outputs.get(o);
    }

    /** The names of the outputs of {@code kind}, in order: the reports, or the inputs that have gradients. */
    public List<String> names(Output.Kind kind) {
        return outputs.keySet().stream().filter(o -> o.kind() == kind).map(Output::name).toList();
    }

    public Input input(String inputName) {
        /* a loop, not a stream: binding asks once per input per call */
        for (Input i : inputs) {
            if (i.name().equals(inputName)) {
                return i;
            }
        }
        return null;
    }

    /** Every node the outputs depend on, inputs before users (a topological order). */
    public List<Node> nodes() {
        List<Node> order = new ArrayList<>();
        Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node out : outputs.values()) {
            Deque<Node> stack = new ArrayDeque<>();
            Deque<Integer> next = new ArrayDeque<>();
            if (done.contains(out)) {
                continue;
            }
            stack.push(out);
            next.push(0);
            while (!stack.isEmpty()) {
                Node n = stack.peek();
                int i = next.pop();
                if (i < n.inputs().size()) {
                    next.push(i + 1);
                    Node child = n.in(i);
                    if (!done.contains(child)) {
                        stack.push(child);
                        next.push(0);
                    }
                } else {
                    stack.pop();
                    if (done.add(n)) {
                        order.add(n);
                    }
                }
            }
        }
        return order;
    }
}
