package dev.rlo.cli.registry;

import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.python.PythonModule;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.fuse.SchedulePrinter;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code rlo compile --emit KIND} writes (spec/cli.md#compile), one line each: the command and
 * its {@code --help}, the batch compile ({@code -o DIR}), the Maven plugin's {@code emit} and the
 * REPL's {@code :ir}, {@code :plan} and {@code :kernels} read this table. A kind with a renderer
 * writes one artifact per fn or objective, from its graph; the others are the Python dialects, which
 * write one module per file ({@link PythonModule}).
 */
public enum Emit {
    ir("ir", IrPrinter::print, false),
    plan("plan", g -> PlanPrinter.print(FusePass.plan(g)), false),
    schedule("schedule", g -> SchedulePrinter.print(Schedule.of(FusePass.plan(g))), false),
    java("java", CpuBackend::source, true),
    opencl(Dialect.OPENCL.extension(), g -> GpuBackend.program(g, Dialect.OPENCL).source(), true),
    cuda(Dialect.CUDA.extension(), g -> GpuBackend.program(g, Dialect.CUDA).source(), true),
    torch("py", null, false),
    jax("py", null, false),
    numpy("py", null, false);

    private final String extension;
    private final Function<Graph, String> render;
    private final boolean kernels;

    /**
     * @param extension the artifact's file extension
     * @param render    the artifact of one graph; null for a Python dialect
     * @param kernels   whether it is the kernel source a backend generates (the REPL's {@code :kernels})
     */
    Emit(String extension, Function<Graph, String> render, boolean kernels) {
        this.extension = extension;
        this.render = render;
        this.kernels = kernels;
    }

    /** Every kind's name, in order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }

    /** The kinds that are a backend's kernel source. */
    public static List<Emit> kernelSources() {
        return Arrays.stream(values()).filter(e -> e.kernels).toList();
    }

    /** The kind {@code name} names; a user error listing them if none does. */
    public static Emit named(String name) {
        return Arrays.stream(values()).filter(e -> e.name().equals(name)).findFirst().orElseThrow(() ->
                new UserError("no --emit kind `" + name + "`; the kinds are " + String.join(", ", names())));
    }

    /** Whether this is a Python dialect: one module per file, not an artifact per graph. */
    public boolean pythonModule() {
        return render == null;
    }

    public String extension() {
        return extension;
    }

    /** The artifact of {@code g}; not for a Python dialect. */
    public String render(Graph g) {
        if (render == null) {
            throw new IllegalStateException(this + " writes a module per file, not an artifact per graph");
        }
        return render.apply(g);
    }
}
