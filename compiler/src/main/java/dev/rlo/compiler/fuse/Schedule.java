package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link KernelPlan} runs, decided once for every target (spec/ir.md#schedule,
 * {@code rlo compile --emit schedule}): the steps in launch order, each launch with its loop nest,
 * the dimension split among threads or work items, where each reduction accumulates and where it
 * is finished, and the scratch it fills first. The renderers write each launch's code from it; the
 * runners execute its steps and ask no renderer anything.
 *
 * @param steps launches and finishing steps, in the order they run
 */
public record Schedule(KernelPlan plan, List<Step> steps) {

    /** One step: a launch of rendered code, or the finishing of a reduction split into slices. */
    public sealed interface Step permits Launch, Finish {
        /** The step's name: what a target calls the code it renders for it. */
        String name();
    }

    /**
     * Runs kernel {@code kernel} — all of it, or, for a Loop with no outer dimensions, its phase
     * {@code phase} — after filling each of {@code scratch} with its reduction's identity.
     *
     * @param nest   a Loop's loops (null for scans, sorts and scatters)
     * @param lanes  the dimensions along which its points are independent: work items take them, and
     *               threads split the first; empty for a launch that runs on one part
     * @param points the dimensions of every point it visits, which bound its work
     */
    public record Launch(Kernel kernel, int phase, Nest nest, List<String> lanes, List<String> points, List<Reduce> scratch)
            implements Step {
        @Override
        public String name() {
            return "k" + kernel.id() + (phase >= 0 ? "_" + phase : "");
        }
    }

    /** Merges a reduction's scratch slices in order (one, unless it is partial) and writes its buffer. */
    public record Finish(Reduce reduce) implements Step {
        @Override
        public String name() {
            return "f" + reduce.buffer().id();
        }
    }

    /**
     * A Loop's loops for one launch: the {@code outer} dimensions once, then each phase over the
     * {@code inner} ones. The first dimension of the nest is split among parts.
     */
    public record Nest(List<String> outer, List<String> inner, List<Phase> phases) {
        /** The dimension split among threads or work items, or null for a launch over no dimension. */
        public String split() {
            return !outer.isEmpty() ? outer.getFirst() : inner.isEmpty() ? null : inner.getFirst();
        }

        /** The dimensions of the nest but the innermost: the rows the innermost loop runs along. */
        public List<String> rows() {
            List<String> all = new ArrayList<>(outer);
            all.addAll(inner);
            return all.isEmpty() ? all : List.copyOf(all.subList(0, all.size() - 1));
        }

        /** The innermost loop's dimension, or null. */
        public String innermost() {
            return inner.isEmpty() ? null : inner.getLast();
        }

        /**
         * The row dimensions whose rows may run across lanes (spec/ir.md#short-rows), in the order
         * a target tries them. Rows of the innermost dimension (the only inner one where there are
         * outer ones), every reduction accumulated in locals (finished in the row, or merged into
         * scratch row by row): the last row dimension where every store (and sort) is over it then
         * the inner one; then, where every output is such a reduction, the other row dimensions
         * from the innermost out. A vector then holds that many rows along the dimension, one per
         * lane, and steps along the rows together, so reductions need no flush per row.
         */
        public List<String> lanesAcross() {
            if (inner.isEmpty() || rows().isEmpty() || !outer.isEmpty() && inner.size() != 1) {
                return List.of();
            }
            List<Output> outputs = phases.stream().flatMap(p -> p.outputs().stream()).toList();
            /* a phase that reduces or sorts: an element-wise loop gains nothing across lanes */
            if (phases.stream().allMatch(Phase::elementwise) || !outputs.stream().allMatch(o -> !(o instanceof Reduce r) || r.local() && r.finished() != Finished.KERNEL)) {
                return List.of();
            }
            List<String> tail = List.of(rows().getLast(), innermost());
            List<String> lanes = new ArrayList<>();
            if (outputs.stream().allMatch(o -> o instanceof Reduce || o instanceof Store s && endsWith(s.buffer(), tail)
                    || o instanceof Sort s && endsWith(s.buffer(), tail) && endsWith(s.input(), tail))) {
                lanes.add(rows().getLast());
            }
            if (outputs.stream().allMatch(o -> o instanceof Reduce)) {
                lanes.addAll(rows().reversed().subList(1, rows().size()));
            }
            return List.copyOf(lanes);
        }

        private static boolean endsWith(Buffer b, List<String> tail) {
            List<String> dims = b.type().dims();
            return dims.size() >= 2 && dims.subList(dims.size() - 2, dims.size()).equals(tail);
        }
    }

    /** Phase {@code index} of a Loop: what each point stores or accumulates. */
    public record Phase(int index, List<Output> outputs) {
        /** Whether the phase only stores element-wise values: its points are all independent. */
        public boolean elementwise() {
            return outputs.stream().allMatch(o -> o instanceof Store);
        }

        /** The phase's sort, or null: a sort phase sorts each row and does nothing else. */
        public Sort sort() {
            return outputs.getFirst() instanceof Sort s ? s : null;
        }
    }

    /** What a phase (or a scatter) writes. */
    public sealed interface Output permits Store, Reduce, Sort {
        Buffer buffer();
    }

    /** An element-wise value stored at every point. */
    public record Store(Buffer buffer) implements Output { }

    /**
     * An argsort of each row of {@code input} (the Loop's outer index) along the innermost
     * dimension into {@code buffer}; {@code readAfter} when something after the Loop reads it from memory.
     */
    public record Sort(Buffer buffer, Buffer input, boolean readAfter) implements Output {
        public Attrs.Argsort attrs() {
            return buffer.node().attrs(Attrs.Argsort.class);
        }
    }

    /**
     * A reduction (or a scatter-add) and its schedule.
     *
     * @param local    whether it accumulates in locals over the innermost loop (its output does not
     *                 vary along it), merged into scratch after the loop; otherwise every point folds
     *                 into scratch
     * @param finished where its result is written from the accumulated slots
     * @param partial  whether each part accumulates a slice of its own (its output lacks the split
     *                 dimension), merged in part order by its {@link Finish}
     */
    public record Reduce(Buffer buffer, Reduction reduction, boolean local, Finished finished, boolean partial) implements Output {
        /** The dimensions it reduces over: a reduction's, none for a scatter (each value lands once). */
        public List<String> reduced() {
            return buffer.node().op().isReduction() ? buffer.node().reduced() : List.of();
        }
    }

    /** Where a reduction is finished. */
    public enum Finished {
        /** Right after the innermost loop, from its locals: it reduces over that loop's dimension only. */
        ROW,
        /** Inside the kernel, once per outer index, from its scratch: a later phase reads it. */
        KERNEL,
        /** By a {@link Finish} step after the launch. */
        STEP
    }

    /** The schedule of {@code plan}. */
    public static Schedule of(KernelPlan plan) {
        List<Step> steps = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            switch (k) {
                case Kernel.Loop l -> loop(plan, l, steps);
                case Kernel.Scan s -> steps.add(lanes(s, s.output().type().dims(), s.output().node().attrs(Attrs.Scan.class).dim()));
                case Kernel.Argsort a -> steps.add(lanes(a, a.input().type().dims(), a.output().node().attrs(Attrs.Argsort.class).dim()));
                case Kernel.Scatter s -> {
                    Reduce r = new Reduce(s.output(), Reduction.SUM, false, Finished.STEP, false);
                    List<String> points = s.output().node().in(0).type().dims();
                    steps.add(new Launch(s, -1, null, scatterLanes(s, points), points, List.of(r)));
                    steps.add(new Finish(r));
                }
            }
        }
        return new Schedule(plan, List.copyOf(steps));
    }

    /**
     * A scatter-add's lanes: the dimensions of its input that its output has too, but the one it
     * scatters along. Two points that differ along a lane write different elements, so the lanes
     * may run on different parts; its other dimensions are summed over, in order, within a lane.
     */
    private static List<String> scatterLanes(Kernel.Scatter s, List<String> points) {
        String along = s.output().node().attrs(Attrs.Scatter.class).dim();
        return points.stream().filter(d -> !d.equals(along) && s.output().type().has(d)).toList();
    }

    /** A scan or sort: each lane (a point of {@code dims} but {@code along}) is walked by one part. */
    private static Launch lanes(Kernel k, List<String> dims, String along) {
        return new Launch(k, -1, null, TensorType.minus(dims, List.of(along)), dims, List.of());
    }

    /**
     * A Loop: with outer dimensions one launch that runs every phase per outer index; without, a
     * launch per phase. Each launch is followed by the finishing steps of its reductions.
     */
    private static void loop(KernelPlan plan, Kernel.Loop l, List<Step> steps) {
        List<String> space = l.space();
        String split = space.isEmpty() ? null : space.getFirst();
        List<Phase> phases = new ArrayList<>();
        for (int p = 0; p < l.phases().size(); p++) {
            List<Output> outputs = new ArrayList<>();
            for (Buffer b : l.phases().get(p).outputs()) {
                outputs.add(b.node().op() == Op.ARGSORT ? new Sort(b, plan.buffer(b.node().in(0).underlying()), plan.readBeyond(b, l))
                        : b.node().op().isReduction() ? reduce(l, b, split) : new Store(b));
            }
            phases.add(new Phase(p, List.copyOf(outputs)));
        }
        if (l.outer() > 0) {
            launch(l, -1, new Nest(l.outerDims(), l.innerDims(), phases), split == null ? List.of() : List.of(split), steps);
        } else {
            for (Phase p : phases) {
                List<String> lanes = p.elementwise() ? space : split == null ? List.of() : List.of(split);
                launch(l, p.index(), new Nest(List.of(), space, List.of(p)), lanes, steps);
            }
        }
    }

    private static void launch(Kernel.Loop l, int phase, Nest nest, List<String> lanes, List<Step> steps) {
        List<Reduce> reduces = nest.phases().stream().flatMap(p -> p.outputs().stream())
                .filter(o -> o instanceof Reduce).map(o -> (Reduce) o).toList();
        steps.add(new Launch(l, phase, nest, lanes, l.space(), reduces.stream().filter(r -> r.finished() != Finished.ROW).toList()));
        reduces.stream().filter(r -> r.finished() == Finished.STEP).forEach(r -> steps.add(new Finish(r)));
    }

    private static Reduce reduce(Kernel.Loop l, Buffer b, String split) {
        List<String> space = l.space();
        List<String> reduced = b.node().reduced();
        Finished finished = space.size() > 1 && reduced.equals(List.of(space.getLast())) ? Finished.ROW
                : l.outer() > 0 && l.innerDims().containsAll(reduced) ? Finished.KERNEL : Finished.STEP;
        boolean local = !space.isEmpty() && !b.type().has(space.getLast());
        return new Reduce(b, Reduction.of(b.node().op()), local, finished, split != null && !b.type().has(split));
    }
}
