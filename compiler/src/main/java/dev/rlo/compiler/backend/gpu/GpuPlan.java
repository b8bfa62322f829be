package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.backend.Inputs;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A plan compiled for a device, and how to run it: inputs are checked on the host (NaN and ∞
 * rejected, as every backend does) and copied to device memory, the plan's {@link Schedule} runs
 * in order, then the outputs come back. Device memory is kept between runs and grown when a
 * run needs more.
 */
final class GpuPlan {

    private final KernelPlan plan;
    private final Schedule steps;
    private final GpuProgram program;
    private final Device device;
    private final Device.Program built;
    private final Map<String, Device.Memory> memory = new HashMap<>();
    private final Inputs.Binder binder;

    GpuPlan(KernelPlan plan, Device device) {
        this.plan = plan;
        this.binder = new Inputs.Binder(plan.graph());
        this.device = device;
        this.steps = Schedule.of(plan);
        this.program = CTarget.render(steps, device.dialect());
        this.built = device.build(program.source());
    }

    synchronized Map<Output, Tensor> run(Map<String, Tensor> given, Map<Output, Tensor> into) {
        Inputs.Bound bound = binder.bind(given, false);
        for (Output o : into.keySet()) {
            if (!plan.graph().outputs().containsKey(o)) {
                throw new UserError("no output `" + o + "`; the outputs are " + plan.graph().outputs().keySet());
            }
        }
        Map<String, Long> sizes = bound.sizes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(8L * Math.max(1, program.dims().size()));
            for (int i = 0; i < program.dims().size(); i++) {
                n.setAtIndex(ValueLayout.JAVA_LONG, i, sizes.getOrDefault(program.dims().get(i), 0L));
            }
            device.write(memory("n", n.byteSize()), n, n.byteSize());
            MemorySegment err = arena.allocate(8);
            device.write(memory("err", 8), err, 8);
            for (Buffer b : plan.buffers()) {
                if (b.node().op() == Op.INPUT) {
                    String name = b.node().attrs(Attrs.Input.class).name();
                    INDArray a = HostArrays.contiguous(bound.tensors().get(name).data());
                    long bytes = bytes(b, sizes);
                    MemorySegment host = HostArrays.segment(a, b.type().dtype());
                    checkFinite(plan.graph().input(name), bound.tensors().get(name), host, b.type().dtype(), bytes);
                    device.write(memory("b" + b.id(), bytes), host, bytes);
                    java.lang.ref.Reference.reachabilityFence(a);   /* a copy made by contiguous() is read through its address */
                }
            }
            schedule(sizes);
            device.read(memory.get("err"), err, 8);
            int code = err.get(ValueLayout.JAVA_INT, 0);
            if (code != 0) {
                long i = err.get(ValueLayout.JAVA_INT, 4);
                Attrs.Dim along = code > 0 ? plan.gathers().get(code - 1).attrs(Attrs.Dim.class) : new Attrs.Dim(program.dims().get(-code - 1));
                throw new UserError(along.outOfRange(i, sizes.get(along.dim())));
            }
            return outputs(sizes, into);
        }
    }

    /** Runs the schedule's steps in order: launches (a scan in chunks when it is long and its lanes few) and finishing steps. */
    private void schedule(Map<String, Long> sizes) {
        Map<Integer, Long> slices = new HashMap<>();
        for (Schedule.Step step : steps.steps()) {
            dev.rlo.compiler.backend.Backend.checkInterrupt();
            switch (step) {
                case Schedule.Launch l when l.kernel() instanceof Kernel.Scan s -> scan(l.name(), s, GpuProgram.volume(l.lanes(), sizes), sizes);
                case Schedule.Launch l -> {
                    long items = GpuProgram.items(GpuProgram.volume(l.lanes(), sizes), device.maxItems(), l.scratch(), sizes);
                    for (Schedule.Reduce r : l.scratch()) {
                        long count = (r.partial() ? items : 1) * GpuProgram.volume(r.buffer().type().dims(), sizes);
                        double[] id = r.reduction().identity();
                        Device.Memory aux = memory("aux" + r.buffer().id(), count * id.length * 8);
                        device.fill(built, aux, count, id.length, id[0], id.length > 1 ? id[1] : 0);
                        slices.put(r.buffer().id(), r.partial() ? items : 1);
                    }
                    device.launch(built, l.name(), items, args(l.name(), items, 0, 1, sizes));
                }
                case Schedule.Finish f -> {
                    int id = f.reduce().buffer().id();
                    long count = GpuProgram.volume(f.reduce().buffer().type().dims(), sizes);
                    long n = slices.get(id);
                    long stride = 1;
                    while ((n + stride - 1) / stride > GpuProgram.FAN) {
                        long groups = (n + stride * GpuProgram.FAN - 1) / (stride * GpuProgram.FAN);
                        long items = Math.max(1, Math.min(count * groups, device.maxItems()));
                        device.launch(built, "m" + id, items, args("m" + id, items, n, stride, sizes));
                        stride *= GpuProgram.FAN;
                    }
                    long items = Math.max(1, Math.min(count, device.maxItems()));
                    device.launch(built, f.name(), items, args(f.name(), items, n, stride, sizes));
                }
            }
        }
        device.finish();
    }

    /** A scan: one work item per lane, or in chunks ({@link ScanChunks}) when the scanned dimension is long and the lanes few. */
    private void scan(String kernel, Kernel.Scan s, long lanes, Map<String, Long> sizes) {
        long steps = sizes.get(s.output().node().attrs(Attrs.Scan.class).dim());
        if (GpuProgram.chunked(steps, lanes, device.maxItems())) {
            long pairs = lanes * ((steps + GpuProgram.SCAN_CHUNK - 1) / GpuProgram.SCAN_CHUNK);
            memory("aux" + s.output().id(), pairs * 16);
            long many = Math.max(1, Math.min(pairs, device.maxItems()));
            long few = Math.max(1, Math.min(lanes, device.maxItems()));
            device.launch(built, kernel + "_c0", many, args(kernel + "_c0", many, 0, 1, sizes));
            device.launch(built, kernel + "_c1", few, args(kernel + "_c1", few, 0, 1, sizes));
            device.launch(built, kernel + "_c2", many, args(kernel + "_c2", many, 0, 1, sizes));
        } else {
            long items = Math.max(1, Math.min(lanes, device.maxItems()));
            device.launch(built, kernel, items, args(kernel, items, 0, 1, sizes));
        }
    }

    /** The arguments of {@code kernel}, by its parameter names; buffers are allocated as first named. */
    private List<Object> args(String kernel, long items, long slices, long stride, Map<String, Long> sizes) {
        List<Object> out = new ArrayList<>();
        for (String p : program.params().get(kernel)) {
            out.add(switch (p) {
                case "items" -> items;
                case "slices" -> slices;
                case "stride" -> stride;
                case "n", "err" -> memory.get(p);
                default -> {
                    if (p.startsWith("aux")) {
                        yield memory.get(p);
                    }
                    Buffer b = plan.buffers().get(Integer.parseInt(p.substring(p.startsWith("tmp") ? 3 : 1)));
                    yield memory(p, p.startsWith("tmp") ? 4 * GpuProgram.volume(b.type().dims(), sizes) : bytes(b, sizes));
                }
            });
        }
        return out;
    }

    /** NaN or ∞ in a float input is an error naming the input and where, as on every backend. */
    private static void checkFinite(dev.rlo.compiler.ir.Graph.Input in, Tensor t, MemorySegment host, DType d, long bytes) {
        if (d == DType.F32) {
            for (long i = 0; i < bytes / 4; i++) {
                if (!Float.isFinite(host.getAtIndex(ValueLayout.JAVA_FLOAT, i))) {
                    throw Inputs.nonFinite(in, t, i);
                }
            }
        } else if (d == DType.F64) {
            for (long i = 0; i < bytes / 8; i++) {
                if (!Double.isFinite(host.getAtIndex(ValueLayout.JAVA_DOUBLE, i))) {
                    throw Inputs.nonFinite(in, t, i);
                }
            }
        }
    }

    /** Every output, read back into the caller's array where {@code into} names one, else into a new one. */
    private Map<Output, Tensor> outputs(Map<String, Long> sizes, Map<Output, Tensor> into) {
        Map<Output, Tensor> out = new LinkedHashMap<>();
        Map<Node, INDArray> read = new HashMap<>();
        plan.graph().outputs().forEach((o, node) -> {
            INDArray a = into.containsKey(o) ? null : read.get(node);
            if (a == null) {
                Buffer b = plan.buffer(node);
                long[] shape = b.type().dims().stream().mapToLong(sizes::get).toArray();
                INDArray arr = into.containsKey(o) ? HostArrays.output(o.toString(), into.get(o), b.type(), shape)
                        : HostArrays.allocate(b.type(), shape);
                long bytes = bytes(b, sizes);
                if (bytes > 0) {
                    device.read(memory.get("b" + b.id()), HostArrays.segment(arr, b.type().dtype()), bytes);
                }
                a = arr;
                read.putIfAbsent(node, arr);
            }
            out.put(o, new Tensor(node.type().dtype(), node.type().dims(), a));
        });
        return out;
    }

    /** The device memory named {@code name}, at least {@code bytes} long (grown if a run needs more). */
    private Device.Memory memory(String name, long bytes) {
        Device.Memory m = memory.get(name);
        if (m == null || m.bytes() < bytes) {
            if (m != null) {
                device.free(m);
            }
            m = device.allocate(Math.max(bytes, 16));
            memory.put(name, m);
        }
        return m;
    }

    private static long bytes(Buffer b, Map<String, Long> sizes) {
        return GpuProgram.volume(b.type().dims(), sizes) * HostArrays.bytes(b.type().dtype());
    }
}
