package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;

/**
 * The fused CPU backend: a graph becomes a {@link dev.rlo.compiler.fuse.KernelPlan}, the plan one
 * generated Java class whose kernels C2 compiles and vectorises with the Vector API.
 */
public final class CpuBackend implements Backend {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Executable compile(Graph graph) {
        CpuPlan plan = CpuPlan.of(graph);
        return new Executable() {
            @Override
            public Map<Output, Tensor> run(Map<String, Tensor> inputs) {
                return plan.run(inputs);
            }

            @Override
            public Map<Output, Tensor> run(Map<String, Tensor> inputs, Map<Output, Tensor> into) {
                return plan.run(inputs, into);
            }
        };
    }

    /**
     * Generates and compiles {@code graph}'s kernels with javac, past both kernel caches: what a new
     * objective (or variant) costs the first time ({@code rlo bench --compile}). Returns the class.
     */
    public static Object compileFresh(Graph graph) {
        return KernelCompiler.compileFresh(Schedule.of(FusePass.plan(graph)), CpuPlan.vectorApi());
    }

    /** The Java source the backend generates for {@code graph} ({@code rlo compile --emit java}). */
    public static String source(Graph graph) {
        return source(graph, CpuPlan.vectorApi());
    }

    /** The Java source with Vector API kernels or with scalar loops ({@code -Drlo.vector=false}). */
    public static String source(Graph graph, boolean vector) {
        String body = KernelCompiler.body(Schedule.of(FusePass.plan(graph)), vector);
        return JavaTarget.source(KernelCompiler.className(body), body);
    }
}
