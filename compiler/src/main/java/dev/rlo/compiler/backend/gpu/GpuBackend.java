package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The GPU backends: a graph's kernel plan rendered as OpenCL C or CUDA C ({@link CTarget}), built
 * on the device, and run by {@link GpuPlan}. The device is opened when the first graph is compiled,
 * so naming a backend whose platform is absent fails there, with one line that says what is missing.
 */
public final class GpuBackend implements Backend {

    private final String name;
    private final Supplier<Device> device;

    private GpuBackend(String name, Supplier<Device> device) {
        this.name = name;
        this.device = device;
    }

    /** OpenCL on the device {@code spec} names ({@link OpenClDevice#open}); null picks one. */
    public static GpuBackend opencl(String spec) {
        return new GpuBackend("opencl", () -> OpenClDevice.open(spec));
    }

    /** CUDA on the device numbered {@code spec} (default 0). */
    public static GpuBackend cuda(String spec) {
        return new GpuBackend("cuda", () -> CudaDevice.open(spec));
    }

    @Override
    public String name() {
        return name;
    }

    /** The device this backend runs on, opened if it was not. */
    public Device device() {
        return device.get();
    }

    @Override
    public Executable compile(Graph graph) {
        GpuPlan plan = new GpuPlan(FusePass.plan(graph), device.get());
        return new Executable() {
            @Override
            public Map<Output, Tensor> run(Map<String, Tensor> inputs) {
                return plan.run(inputs, Map.of());
            }

            @Override
            public Map<Output, Tensor> run(Map<String, Tensor> inputs, Map<Output, Tensor> into) {
                return plan.run(inputs, into);
            }
        };
    }

    /** The program the backend generates for {@code graph} in {@code dialect} ({@code rlo compile --emit opencl|cuda}). */
    public static GpuProgram program(Graph graph, Dialect dialect) {
        return CTarget.render(Schedule.of(FusePass.plan(graph)), dialect);
    }
}
