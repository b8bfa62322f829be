package dev.rlo.compiler.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.backend.Inputs;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.numerics.Sums;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A plan compiled for the CPU, and how to run it: buffers in ND4J arrays read and written in place
 * through memory segments (inputs are not copied), f64 scratch for reductions, the kernels in order,
 * each split into parts that run on {@link Parts}' threads, per-part partial reductions merged and
 * finished afterwards.
 */
public final class CpuPlan {

    final KernelPlan plan;
    private final Schedule schedule;
    /** Each output node's first output name (a node may be several outputs). */
    private final Map<Node, Output> outputOf = new LinkedHashMap<>();
    final String body;
    private final PlanCode code;
    private final List<String> dims;
    private final Workspace.Pool pool = new Workspace.Pool();
    private final Inputs.Binder binder;
    /** The plan's buffers, by id. */
    private final Buffer[] buffers;

    /** The plan of {@code graph}, its kernels generated and compiled (or found in the kernel cache). */
    public static CpuPlan of(Graph graph) {
        return new CpuPlan(FusePass.plan(graph), vectorApi());
    }

    /**
     * Whether kernels use the Vector API: when this JVM has it ({@code --add-modules
     * jdk.incubator.vector}) unless {@code -Drlo.vector=false}. Otherwise they are scalar loops,
     * correct but several times slower.
     */
    public static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && Boolean.parseBoolean(System.getProperty("rlo.vector", "true"));
    }

    CpuPlan(KernelPlan plan, boolean vector) {
        this.plan = plan;
        this.binder = new Inputs.Binder(plan.graph());
        this.buffers = plan.buffers().toArray(Buffer[]::new);
        this.schedule = Schedule.of(plan);
        plan.graph().outputs().forEach((o, node) -> outputOf.putIfAbsent(node, o));
        this.dims = dims(plan);
        this.body = KernelCompiler.body(schedule, vector);
        this.code = KernelCompiler.load(body);
    }

    /** Every dimension the plan mentions, in a fixed order: the generated code's {@code n[i]}. */
    static List<String> dims(KernelPlan plan) {
        return plan.dims();
    }

    Map<Output, Tensor> run(Map<String, Tensor> given) {
        return run(given, Map.of());
    }

    /** Runs the plan, writing each output {@code into} has there and allocating the others. */
    public Map<Output, Tensor> run(Map<String, Tensor> given, Map<Output, Tensor> into) {
        try (Run run = start(given, into)) {
            for (int k = 0; k < schedule.steps().size(); k++) {
                Backend.checkInterrupt();
                run.step(k);
            }
            return run.outputs();
        }
    }

    /** The number of steps of the schedule, each run by {@link Run#step}. */
    public int steps() {
        return schedule.steps().size();
    }

    /** Binds inputs and outputs for one run, and takes a workspace: then run each step in order. */
    public Run start(Map<String, Tensor> given, Map<Output, Tensor> into) {
        return new Run(given, into);
    }

    /** One run of the plan: its buffers, bound once, and its workspace, given back on close. */
    public final class Run implements AutoCloseable {
        private final Inputs.Bound bound;
        private final Map<String, Long> sizes;
        private final long[] n;
        private final INDArray[] arrays = new INDArray[buffers.length];
        private final MemorySegment[] b = new MemorySegment[buffers.length];
        private final MemorySegment[] aux = new MemorySegment[buffers.length];
        private final Workspace work;

        private Run(Map<String, Tensor> given, Map<Output, Tensor> into) {
            bound = binder.bind(given, false);
            for (Output o : into.keySet()) {
                if (!plan.graph().outputs().containsKey(o)) {
                    throw new dev.rlo.compiler.base.UserError("no output `" + o + "`; the outputs are " + plan.graph().outputs().keySet());
                }
            }
            sizes = bound.sizes();
            n = new long[dims.size()];
            for (int i = 0; i < n.length; i++) {
                n[i] = sizes.getOrDefault(dims.get(i), 0L);
            }
            work = pool.take();
            for (Buffer buf : buffers) {
                Node node = buf.node();
                if (node.op() == dev.rlo.compiler.ir.Op.INPUT) {
                    arrays[buf.id()] = HostArrays.contiguous(bound.tensors().get(node.attrs(Attrs.Input.class).name()).data());
                } else if (outputOf.containsKey(node)) {
                    arrays[buf.id()] = output(outputOf.get(node), buf, into, sizes);
                }
                b[buf.id()] = arrays[buf.id()] != null ? HostArrays.segment(arrays[buf.id()], buf.type().dtype())
                        : work.get(buf.id(), volume(buf, sizes) * HostArrays.bytes(buf.type().dtype()));
            }
        }

        /** Runs step {@code index} of the schedule: a launch (on as many threads as it is worth) or a finishing step. */
        public void step(int index) {
            try {
                switch (schedule.steps().get(index)) {
                    case Schedule.Launch l -> launch(l, b, aux, n, sizes, work);
                    case Schedule.Finish f -> finish(f.reduce(), b, aux, sizes);
                }
            } catch (Kernels.NonFinite e) {
                Node input = buffers[e.buffer].node();
                Graph.Input in = plan.graph().input(input.attrs(Attrs.Input.class).name());
                throw Inputs.nonFinite(in, bound.tensors().get(in.name()), e.offset);
            } catch (Kernels.BadIndex e) {
                throw new dev.rlo.compiler.base.UserError(plan.gathers().get(e.gather).attrs(Attrs.Dim.class).outOfRange(e.index, e.size));
            }
        }

        /** Every output, once every kernel has run. */
        public Map<Output, Tensor> outputs() {
            Map<Output, Tensor> out = new LinkedHashMap<>();
            plan.graph().outputs().forEach((o, node) -> {
                Buffer buf = plan.buffer(node);
                out.put(o, new Tensor(node.type().dtype(), node.type().dims(), arrays[buf.id()]));
            });
            return out;
        }

        @Override
        public void close() {
            pool.give(work);
        }
    }

    /** The array output {@code o} is written to: the caller's, checked, or a new one. */
    private static INDArray output(Output o, Buffer buf, Map<Output, Tensor> into, Map<String, Long> sizes) {
        List<String> dims = buf.type().dims();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = sizes.get(dims.get(i));
        }
        Tensor t = into.get(o);
        return t == null ? HostArrays.allocate(buf.type(), shape) : HostArrays.output(o.toString(), t, buf.type(), shape);
    }

    /**
     * Runs a launch in as many parts as it is worth, its scratch filled first. A partial reduction
     * gets a slice of scratch per part, merged into part 0's in part order afterwards, so that the
     * result does not depend on the thread count's timing.
     */
    private void launch(Schedule.Launch l, MemorySegment[] b, MemorySegment[] aux, long[] n, Map<String, Long> sizes, Workspace work) {
        int parts = Parts.count(l.lanes().isEmpty() ? 1 : sizes.get(l.lanes().getFirst()), volume(l.points(), sizes));
        for (Schedule.Reduce r : l.scratch()) {
            aux[r.buffer().id()] = scratch(r, sizes, work, 0);
        }
        int kernel = l.kernel().id();
        int phase = l.phase();
        Locals[] locals = work.locals(parts);
        if (parts == 1) {
            /* a training-size call: on this thread, with nothing made for the parts */
            code.run(kernel, phase, b, aux, n, 0, 1, locals[0]);
            return;
        }
        List<Schedule.Reduce> partial = l.scratch().stream().filter(Schedule.Reduce::partial).toList();
        MemorySegment[][] auxOf = new MemorySegment[parts][];
        for (int p = 0; p < parts; p++) {
            auxOf[p] = p == 0 || partial.isEmpty() ? aux : aux.clone();
            for (Schedule.Reduce r : p == 0 ? List.<Schedule.Reduce>of() : partial) {
                auxOf[p][r.buffer().id()] = scratch(r, sizes, work, p);
            }
        }
        Parts.run(parts, p -> code.run(kernel, phase, b, auxOf[p], n, p, parts, locals[p]));
        for (int p = 1; p < parts; p++) {
            for (Schedule.Reduce r : partial) {
                mergeInto(r.reduction(), volume(r.buffer(), sizes), aux[r.buffer().id()], auxOf[p][r.buffer().id()]);
            }
        }
    }

    /** Merges a part's partial reduction {@code from} into {@code into}. */
    private static void mergeInto(Reduction red, long count, MemorySegment into, MemorySegment from) {
        int slots = red.slots();
        double[] p = new double[slots];
        double[] q = new double[slots];
        for (long i = 0; i < count; i++) {
            for (int s = 0; s < slots; s++) {
                p[s] = into.getAtIndex(JAVA_DOUBLE, i * slots + s);
                q[s] = from.getAtIndex(JAVA_DOUBLE, i * slots + s);
            }
            red.merge(p, q);
            for (int s = 0; s < slots; s++) {
                into.setAtIndex(JAVA_DOUBLE, i * slots + s, p[s]);
            }
        }
    }

    /** Writes a reduction's (or scatter's) result from its scratch slots (merged into part 0's) into its buffer. */
    private static void finish(Schedule.Reduce r, MemorySegment[] b, MemorySegment[] aux, Map<String, Long> sizes) {
        long count = volume(r.buffer(), sizes);
        double reduced = volume(r.reduced(), sizes);
        MemorySegment from = aux[r.buffer().id()];
        MemorySegment to = b[r.buffer().id()];
        /*
         * element by element, in parts as a kernel over as many points (a scatter-add's result is as
         * big as its target); the launch's workers still spin, so a split costs about a µs
         */
        int parts = Parts.count(count, count);
        Parts.run(parts, p -> finish(r, from, to, count * p / parts, count * (p + 1) / parts, reduced));
    }

    /** {@link #finish}, elements [lo, hi). */
    private static void finish(Schedule.Reduce r, MemorySegment from, MemorySegment to, long lo, long hi, double reduced) {
        Reduction red = r.reduction();
        DType d = r.buffer().type().dtype();
        if (red.slots() == 1 && d == DType.F32) {
            /* max and min in f32, without a switch per element */
            for (long i = lo; i < hi; i++) {
                to.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) from.getAtIndex(JAVA_DOUBLE, i));
            }
            return;
        }
        if ((red == Reduction.SUM || red == Reduction.MEAN) && d == DType.F32) {
            /* the common case (sums, means, scatter-adds into f32), without an array or a switch per element */
            boolean sum = red == Reduction.SUM;
            for (long i = lo; i < hi; i++) {
                double s = from.getAtIndex(JAVA_DOUBLE, 2 * i);
                double c = from.getAtIndex(JAVA_DOUBLE, 2 * i + 1);
                to.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (sum ? Sums.total(s, c) : Sums.mean(s, c, reduced)));
            }
            return;
        }
        double[] slots = new double[red.slots()];
        for (long i = lo; i < hi; i++) {
            for (int s = 0; s < slots.length; s++) {
                slots[s] = from.getAtIndex(JAVA_DOUBLE, i * slots.length + s);
            }
            write(to, d, i, d.round(red.finish(slots, reduced)));
        }
    }

    private static void write(MemorySegment seg, DType d, long i, double v) {
        switch (d) {
            case F32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case F64 -> seg.setAtIndex(JAVA_DOUBLE, i, v);
            case I32 -> seg.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    /** Scratch for a reduction in part {@code part}: its identity in every slot. */
    private MemorySegment scratch(Schedule.Reduce r, Map<String, Long> sizes, Workspace work, int part) {
        long count = volume(r.buffer(), sizes);
        double[] id = r.reduction().identity();
        MemorySegment s = work.get(-1 - ((long) part * buffers.length + r.buffer().id()), count * id.length * 8);
        if (r.reduction() == Reduction.SUM || r.reduction() == Reduction.MEAN) {
            /* a sum's (0, 0): +0.0 is all zero bits, so a fill (a slot at a time cost a tenth of QR-DQN's time, its gradient's scatter-add scratch), in parts */
            long slot = id.length * 8L;
            int parts = Parts.count(count, count);
            Parts.run(parts, p -> s.asSlice(count * p / parts * slot, (count * (p + 1) / parts - count * p / parts) * slot).fill((byte) 0));
            return s;
        }
        for (long i = 0; i < count; i++) {
            for (int k = 0; k < id.length; k++) {
                s.setAtIndex(JAVA_DOUBLE, i * id.length + k, id[k]);
            }
        }
        return s;
    }

    private static long volume(Buffer b, Map<String, Long> sizes) {
        return volume(b.type().dims(), sizes);
    }

    private static long volume(List<String> dims, Map<String, Long> sizes) {
        long v = 1;
        for (String d : dims) {
            v *= sizes.get(d);
        }
        return v;
    }

    Graph graph() {
        return plan.graph();
    }
}
