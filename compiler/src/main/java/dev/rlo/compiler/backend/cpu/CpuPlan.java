package dev.rlo.compiler.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.backend.Inputs;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
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
    final String body;
    private final PlanCode code;
    private final List<String> dims;
    private final Workspace.Pool pool = new Workspace.Pool();
    private final Inputs.Binder binder;

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
        this.dims = dims(plan);
        this.body = PlanSource.body(plan, vector);
        this.code = KernelCompiler.load(body);
    }

    /** Every dimension the plan mentions, in a fixed order: the generated code's {@code n[i]}. */
    static List<String> dims(KernelPlan plan) {
        return plan.dims();
    }

    /** True for a reduction a Loop finishes itself, per outer index (a later phase reads it). */
    static boolean finishedInKernel(Kernel.Loop k, Buffer b) {
        return k.outer() > 0 && b.node().op().isReduction() && !Reduction.of(b).isArg()
                && k.innerDims().containsAll(b.node().reduced());
    }

    Map<Output, Tensor> run(Map<String, Tensor> given) {
        return run(given, Map.of());
    }

    /** Runs the plan, writing each output {@code into} has there and allocating the others. */
    public Map<Output, Tensor> run(Map<String, Tensor> given, Map<Output, Tensor> into) {
        try (Run run = start(given, into)) {
            for (int k = 0; k < plan.kernels().size(); k++) {
                Backend.checkInterrupt();
                run.kernel(k);
            }
            return run.outputs();
        }
    }

    /** The number of kernels, each launched by {@link Run#kernel}. */
    public int kernels() {
        return plan.kernels().size();
    }

    /** Binds inputs and outputs for one run, and takes a workspace: then launch each kernel in order. */
    public Run start(Map<String, Tensor> given, Map<Output, Tensor> into) {
        return new Run(given, into);
    }

    /** One run of the plan: its buffers, bound once, and its workspace, given back on close. */
    public final class Run implements AutoCloseable {
        private final Inputs.Bound bound;
        private final Map<String, Long> sizes;
        private final long[] n;
        private final Buffer[] all = plan.buffers().toArray(Buffer[]::new);
        private final INDArray[] arrays = new INDArray[all.length];
        private final MemorySegment[] b = new MemorySegment[all.length];
        private final MemorySegment[] aux = new MemorySegment[all.length];
        private final Workspace work;

        private Run(Map<String, Tensor> given, Map<Output, Tensor> into) {
            bound = binder.bind(given, false);
            for (Output o : into.keySet()) {
                if (!plan.graph().outputs().containsKey(o)) {
                    throw new dev.rlo.compiler.base.UserError("no output `" + o + "`; the outputs are " + plan.graph().outputs().keySet());
                }
            }
            sizes = bound.sizes();
            n = dims.stream().mapToLong(d -> sizes.getOrDefault(d, 0L)).toArray();
            Map<Node, Output> outputs = new LinkedHashMap<>();
            plan.graph().outputs().forEach((o, node) -> outputs.putIfAbsent(node, o));
            work = pool.take();
            for (Buffer buf : all) {
                Node node = buf.node();
                if (node.op() == dev.rlo.compiler.ir.Op.INPUT) {
                    arrays[buf.id()] = HostArrays.contiguous(bound.tensors().get(node.attrs(Attrs.Input.class).name()).data());
                } else if (outputs.containsKey(node)) {
                    arrays[buf.id()] = output(outputs.get(node), buf, into, sizes);
                }
                b[buf.id()] = arrays[buf.id()] != null ? HostArrays.segment(arrays[buf.id()], buf.type().dtype())
                        : work.get(buf.id(), volume(buf, sizes) * HostArrays.bytes(buf.type().dtype()));
            }
        }

        /** Launches kernel {@code index} (on as many threads as it is worth), and finishes its reductions. */
        public void kernel(int index) {
            try {
                CpuPlan.this.run(plan.kernels().get(index), b, aux, n, sizes, work);
            } catch (Kernels.NonFinite e) {
                Node input = all[e.buffer].node();
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
        long[] shape = buf.type().dims().stream().mapToLong(sizes::get).toArray();
        Tensor t = into.get(o);
        return t == null ? HostArrays.allocate(buf.type(), shape) : HostArrays.output(o.toString(), t, buf.type(), shape);
    }

    private void run(Kernel k, MemorySegment[] b, MemorySegment[] aux, long[] n, Map<String, Long> sizes, Workspace work) {
        List<Buffer> reductions = k.writes().stream()
                .filter(w -> w.node().op().isReduction() || w.node().op() == dev.rlo.compiler.ir.Op.SCATTER_ADD).toList();
        for (Buffer r : reductions) {
            if (k instanceof Kernel.Loop l && LoopSource.finishedInRow(l, r)) {
                continue;
            }
            aux[r.id()] = scratch(r, sizes, work, 0);
            if (r.node().op().isReduction() && Reduction.of(r).isArg()) {
                b[r.id()].fill((byte) 0);
            }
        }
        switch (k) {
            case Kernel.Loop l -> {
                String split = l.space().isEmpty() ? null : l.space().getFirst();
                int parts = Parts.count(split == null ? 1 : sizes.get(split), volume(l.space(), sizes));
                List<Buffer> partial = reductions.stream().filter(r -> parts > 1 && !r.type().has(split)).toList();
                if (l.outer() == 0) {
                    for (int p = 0; p < l.phases().size(); p++) {
                        launch(k.id(), p, b, aux, n, parts, partial, sizes, work);
                        for (Buffer r : l.phases().get(p).outputs()) {
                            if (r.node().op().isReduction() && !LoopSource.finishedInRow(l, r)) {
                                finish(r, b, aux, sizes);
                            }
                        }
                    }
                } else {
                    launch(k.id(), -1, b, aux, n, parts, partial, sizes, work);
                    reductions.stream().filter(r -> !finishedInKernel(l, r)).forEach(r -> finish(r, b, aux, sizes));
                }
            }
            case Kernel.Scan s -> launch(k.id(), 0, b, aux, n, Parts.count(outerLanes(s.output(),
                    s.output().node().attrs(Attrs.Scan.class).dim(), sizes), volume(s.output(), sizes)), List.of(), sizes, work);
            case Kernel.Argsort a -> launch(k.id(), 0, b, aux, n, Parts.count(outerLanes(a.input(),
                    a.output().node().attrs(Attrs.Argsort.class).dim(), sizes), volume(a.input(), sizes)), List.of(), sizes, work);
            case Kernel.Scatter s -> {
                launch(k.id(), 0, b, aux, n, 1, List.of(), sizes, work);
                finish(s.output(), b, aux, sizes);
            }
        }
    }

    /**
     * Runs {@code parts} parts of a kernel. Reductions in {@code partial} get per-part scratch (and
     * an argmax a per-part index buffer), merged into part 0's in part order afterwards, so that ties
     * keep the first index.
     */
    private void launch(int kernel, int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int parts,
                        List<Buffer> partial, Map<String, Long> sizes, Workspace work) {
        MemorySegment[][] auxOf = new MemorySegment[parts][];
        MemorySegment[][] bOf = new MemorySegment[parts][];
        for (int p = 0; p < parts; p++) {
            auxOf[p] = p == 0 || partial.isEmpty() ? aux : aux.clone();
            bOf[p] = p == 0 || partial.isEmpty() ? b : b.clone();
            for (Buffer r : partial) {
                if (p > 0) {
                    auxOf[p][r.id()] = scratch(r, sizes, work, p);
                    if (Reduction.of(r).isArg()) {
                        bOf[p][r.id()] = work.get(((long) p << 32) + r.id(), volume(r, sizes) * 4).fill((byte) 0);
                    }
                }
            }
        }
        Parts.run(parts, p -> code.run(kernel, phase, bOf[p], auxOf[p], n, p, parts));
        for (int p = 1; p < parts; p++) {
            for (Buffer r : partial) {
                mergeInto(r, volume(r, sizes), aux[r.id()], auxOf[p][r.id()], b[r.id()], bOf[p][r.id()]);
            }
        }
    }

    /** Merges a part's partial reduction {@code from} (with its indices, for an argmax) into {@code into}. */
    private static void mergeInto(Buffer r, long count, MemorySegment into, MemorySegment from, MemorySegment intoIndex,
                                  MemorySegment fromIndex) {
        Reduction red = Reduction.of(r);
        int slots = red.slots();
        for (long i = 0; i < count; i++) {
            double[] p = new double[slots];
            double[] q = new double[slots];
            for (int s = 0; s < slots; s++) {
                p[s] = into.getAtIndex(JAVA_DOUBLE, i * slots + s);
                q[s] = from.getAtIndex(JAVA_DOUBLE, i * slots + s);
            }
            if (red.isArg()) {
                int[] pi = {intoIndex.getAtIndex(ValueLayout.JAVA_INT, i)};
                red.merge(p, q, pi, fromIndex.getAtIndex(ValueLayout.JAVA_INT, i));
                intoIndex.setAtIndex(ValueLayout.JAVA_INT, i, pi[0]);
            } else {
                red.merge(p, q, null, 0);
            }
            for (int s = 0; s < slots; s++) {
                into.setAtIndex(JAVA_DOUBLE, i * slots + s, p[s]);
            }
        }
    }

    /** Writes a reduction's (or scatter's) result from its scratch slots into its buffer. */
    private static void finish(Buffer r, MemorySegment[] b, MemorySegment[] aux, Map<String, Long> sizes) {
        Reduction red = r.node().op() == dev.rlo.compiler.ir.Op.SCATTER_ADD ? Reduction.SUM : Reduction.of(r);
        if (red.isArg()) {
            return;
        }
        double reduced = 1;
        if (r.node().op().isReduction()) {
            for (String d : r.node().reduced()) {
                reduced *= sizes.get(d);
            }
        }
        DType d = r.type().dtype();
        long count = volume(r, sizes);
        MemorySegment from = aux[r.id()];
        MemorySegment to = b[r.id()];
        if (red.slots() == 1 && d == DType.F32) {
            /* max and min in f32, without a switch per element */
            for (long i = 0; i < count; i++) {
                to.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) from.getAtIndex(JAVA_DOUBLE, i));
            }
            return;
        }
        double[] slots = new double[red.slots()];
        for (long i = 0; i < count; i++) {
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

    /** Scratch for a reduction in part {@code part}: its identity in every slot (an argmax's index starts at 0). */
    private MemorySegment scratch(Buffer r, Map<String, Long> sizes, Workspace work, int part) {
        Reduction red = r.node().op() == dev.rlo.compiler.ir.Op.SCATTER_ADD ? Reduction.SUM : Reduction.of(r);
        long count = volume(r, sizes);
        MemorySegment s = work.get(-1 - ((long) part * plan.buffers().size() + r.id()), count * red.slots() * 8);
        double[] id = red.identity();
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

    /** The size of the first dimension of {@code b} other than {@code along}: what a lane-wise kernel splits. */
    private static long outerLanes(Buffer b, String along, Map<String, Long> sizes) {
        List<String> rest = new ArrayList<>(b.type().dims());
        rest.remove(along);
        return rest.isEmpty() ? 1 : sizes.get(rest.getFirst());
    }

    Graph graph() {
        return plan.graph();
    }
}
