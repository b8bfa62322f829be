package dev.rlo.compiler.truffle;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.RootNode;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.cpu.CpuPlan;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The root node of one objective: binds the inputs, runs each step of its plan's schedule in order
 * (one {@link Step} child per step: a kernel launch or a finishing step, the loop unrolled when
 * Graal compiles the root), and returns the outputs. A host names outputs by their text ({@code loss}, {@code report:NAME}, {@code grad:INPUT}:
 * {@link Output#toString}), in the map of arrays it gives and in the map it gets. The kernels themselves are generated Java that C2 compiles and vectorises: each launch
 * sits behind a {@link TruffleBoundary}, because Graal CE partially evaluating Vector API code runs
 * it about 12× slower (../shared/toolchain/cpu-kernels-vector-api.md).
 */
final class ObjectiveRoot extends RootNode {

    private final String name;
    private final CpuPlan plan;
    /** The graph's outputs by their text. */
    private final Map<String, Output> byText = new LinkedHashMap<>();
    @Children private final Step[] steps;

    private ObjectiveRoot(RloLanguage language, String name, Graph graph) {
        super(language);
        this.name = name;
        this.plan = CpuPlan.of(graph);
        graph.outputs().keySet().forEach(o -> byText.put(o.toString(), o));
        this.steps = new Step[plan.steps()];
        for (int k = 0; k < steps.length; k++) {
            steps[k] = new Step(k);
        }
    }

    /** The objective {@code name} of {@code compiler}'s source, f32, with its gradients, its plan compiled. */
    @TruffleBoundary
    static ObjectiveRoot of(RloLanguage language, Compiler compiler, String name) {
        return new ObjectiveRoot(language, name, compiler.graph(name, Map.of(), false, true));
    }

    @Override
    public String getName() {
        return "rlo objective " + name;
    }

    /** What the compilation trace prints. */
    @Override
    public String toString() {
        return getName();
    }

    @Override
    @ExplodeLoop
    public Object execute(VirtualFrame frame) {
        CpuPlan.Run run = start(frame.getArguments());
        try {
            for (Step step : steps) {
                step.execute(run);
            }
            return outputs(run);
        } finally {
            close(run);
        }
    }

    @TruffleBoundary
    private CpuPlan.Run start(Object[] arguments) {
        if (arguments.length < 1 || arguments.length > 2) {
            throw new RloException(getName() + " takes a map of inputs by name, and optionally a map of output arrays; got "
                    + arguments.length + " arguments");
        }
        Map<String, Tensor> inputs = tensors(arguments[0], "inputs");
        Map<Output, Tensor> into = new LinkedHashMap<>();
        (arguments.length == 2 ? tensors(arguments[1], "outputs") : Map.<String, Tensor>of()).forEach((text, t) -> {
            if (!byText.containsKey(text)) {
                throw new RloException("no output `" + text + "`; the outputs are " + byText.keySet());
            }
            into.put(byText.get(text), t);
        });
        try {
            return plan.start(inputs, into);
        } catch (UserError e) {
            throw new RloException(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Tensor> tensors(Object argument, String what) {
        var env = RloLanguage.env();
        Object host = env.isHostObject(argument) ? env.asHostObject(argument) : null;
        if (!(host instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(String.class::isInstance)
                || !map.values().stream().allMatch(Tensor.class::isInstance)) {
            throw new RloException(getName() + " expects its " + what + " as a java.util.Map<String, dev.rlo.compiler.tensor.Tensor>");
        }
        return (Map<String, Tensor>) map;
    }

    @TruffleBoundary
    private static Object outputs(CpuPlan.Run run) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        run.outputs().forEach((o, t) -> out.put(o.toString(), t));
        return RloLanguage.env().asGuestValue(out);
    }

    @TruffleBoundary
    private static void close(CpuPlan.Run run) {
        run.close();
    }

    /** Runs one step of the schedule. */
    static final class Step extends Node {
        private final int index;

        Step(int index) {
            this.index = index;
        }

        void execute(CpuPlan.Run run) {
            run(run, index);
        }

        @TruffleBoundary
        private static void run(CpuPlan.Run run, int index) {
            try {
                run.step(index);
            } catch (UserError e) {
                throw new RloException(e.getMessage());
            }
        }
    }
}
