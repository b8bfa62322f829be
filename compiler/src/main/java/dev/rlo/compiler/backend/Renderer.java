package dev.rlo.compiler.backend;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The renderer core (spec/ir.md#schedule): walks a {@link Schedule} and writes each launch's code —
 * a Loop's outer loops, each phase's loops and body (stores, and reductions folded into locals or
 * scratch, finished in the row or in the kernel; or each row sorted), a scan's lanes carrying in a
 * local (or, for a time-major scan, a sweep of rows per step), a sort's lanes, a scatter. A target is a subclass
 * that supplies spellings and syntax only: the types, literals, loads and stores, element-wise
 * ops ({@link Values.Spelling}), the reduction text's names ({@link Reduction.Spelling}), loop
 * headers, and how a launch becomes a method or a kernel. (tinygrad's {@code renderer/cstyle.py}
 * is the model. The Python dialects, backend/python, write whole arrays rather than loops and are
 * not targets of this core yet.)
 */
public abstract class Renderer implements Values.Spelling, Reduction.Spelling {

    protected final Schedule schedule;
    protected final KernelPlan plan;
    /** Where the current launch's body goes. */
    protected StringBuilder out;
    /** The numbers of the current launch's locals. */
    private int[] next;

    protected Renderer(Schedule schedule) {
        this.schedule = schedule;
        this.plan = schedule.plan();
    }

    /** Renders every step in order: each launch's body to {@link #entry}, each finishing step to {@link #finish}. */
    protected final void renderSteps() {
        for (Schedule.Step step : schedule.steps()) {
            switch (step) {
                case Schedule.Launch l -> {
                    out = new StringBuilder();
                    next = new int[1];
                    launch(l, indent(l));
                    entry(l, out.toString());
                }
                case Schedule.Finish f -> finish(f);
            }
        }
    }

    // ---- what a target supplies -------------------------------------------------------------------

    /** The indent of a launch's body in the method or kernel that holds it. */
    protected abstract String indent(Schedule.Launch l);

    /** Receives a launch's rendered body. */
    protected abstract void entry(Schedule.Launch l, String body);

    /** Renders a finishing step, where the target finishes reductions in generated code. */
    protected abstract void finish(Schedule.Finish f);

    /** The header of a loop over {@code index} from {@code from} below {@code size}, or (split) over this part's share of [0, size). */
    protected abstract String loop(String index, String from, String size, boolean split);

    /** Opens the loops over every lane of {@code dims} (each lane run by one part), declaring their indices; returns the indent inside. */
    protected abstract String openLanes(List<String> dims, String indent);

    /** Closes what {@link #openLanes} opened at {@code indent}. */
    protected abstract void closeLanes(List<String> dims, String indent);

    /** The statement storing {@code value} (a value of {@code b}'s dtype) into {@code b} at element {@code offset}. */
    protected abstract String store(Buffer b, String offset, String value);

    /** The row-major element offset of the point {@code ix} in a buffer over {@code dims}. */
    protected abstract String offset(List<String> dims, Map<String, String> ix);

    /** Slot {@code slot} of {@code r}'s scratch at output element {@code offset} (in this part's slice if partial), or null past its slots. */
    protected abstract String scratch(Schedule.Reduce r, String offset, int slot);

    /** The number of elements over {@code dims}, as an f64 expression. */
    protected abstract String count(List<String> dims);

    /** A scatter's index {@code index} along {@code dim}, checked: an offset, or the kernel reports it. */
    protected abstract String checkScatter(String index, String dim);

    /** Declares, once per launch, what sorting rows of {@code s} needs. */
    protected abstract void sortScratch(Schedule.Sort s, String indent);

    /** Sorts one row of {@code s} along its dimension (its other indices declared around it) stably, NaN last, writing its permutation. */
    protected abstract void sortRow(Schedule.Sort s, String indent);

    /** Whether scans whose lanes are contiguous rows step the scanned dimension outermost, sweeping rows, rather than lane by lane. */
    protected abstract boolean sweeps();

    // ---- shared by every target -------------------------------------------------------------------

    @Override
    public final String size(String dim) {
        return "n_" + dim;
    }

    public static String index(String dim) {
        return "i_" + dim;
    }

    /** Each of {@code dims} at its loop index. */
    public static Map<String, String> indexOf(List<String> dims) {
        Map<String, String> ix = new LinkedHashMap<>();
        dims.forEach(d -> ix.put(d, index(d)));
        return ix;
    }

    protected final String offset(Buffer b, Map<String, String> ix) {
        return offset(b.type().dims(), ix);
    }

    /** An element-wise op: as every C-like target spells it ({@link #infix}), or as this one does ({@link #function}). */
    @Override
    public final String op(Node n, Values.Value[] v) {
        String[] a = new String[v.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = v[k].expr();
        }
        String common = infix(n.op(), a);
        return common != null ? common : function(n, a);
    }

    /** Element-wise op {@code n} on operand expressions {@code a}, other than the {@link #infix} ones: functions, casts. */
    protected abstract String function(Node n, String[] a);

    @Override
    public String iota(String index) {
        return "(int) " + index;
    }

    /** Op {@code op} on operands {@code a} where every C-like target spells it alike (operators, the conditional), or null. */
    private static String infix(Op op, String[] a) {
        return switch (op) {
            case NEG -> "-" + a[0];
            case NOT -> "!" + a[0];
            case ADD -> "(" + a[0] + " + " + a[1] + ")";
            case SUB -> "(" + a[0] + " - " + a[1] + ")";
            case MUL -> "(" + a[0] + " * " + a[1] + ")";
            case DIV -> "(" + a[0] + " / " + a[1] + ")";
            case LT -> "(" + a[0] + " < " + a[1] + ")";
            case LE -> "(" + a[0] + " <= " + a[1] + ")";
            case GT -> "(" + a[0] + " > " + a[1] + ")";
            case GE -> "(" + a[0] + " >= " + a[1] + ")";
            case EQ -> "(" + a[0] + " == " + a[1] + ")";
            case NE -> "(" + a[0] + " != " + a[1] + ")";
            case AND -> "(" + a[0] + " & " + a[1] + ")";
            case OR -> "(" + a[0] + " | " + a[1] + ")";
            case WHERE -> "(" + a[0] + " ? " + a[1] + " : " + a[2] + ")";
            default -> null;
        };
    }

    /** A memo writing at {@code indent} in the current launch. */
    protected final Values values(String indent) {
        return new Values(plan, this, out, indent, "v", next);
    }

    protected final void line(String indent, String text) {
        out.append(indent).append(text).append('\n');
    }

    /** Opens a loop over {@code dim}; returns the indent inside. */
    protected final String open(String dim, boolean split, String indent) {
        line(indent, loop(index(dim), "0", size(dim), split));
        return indent + "    ";
    }

    protected final void close(String indent) {
        line(indent, "}");
    }

    /** Folds value {@code v} (at reduced index {@code at}) into {@code r}'s scratch at {@code offset}. */
    protected String foldScratch(Schedule.Reduce r, String offset, String v, String at) {
        return r.reduction().fold(this, scratch(r, offset, 0), scratch(r, offset, 1), v, at);
    }

    /** Sums a scatter's value {@code v} into {@code r}'s scratch at {@code offset}; {@code memo} may declare locals first. */
    protected String scatterInto(Values memo, Schedule.Reduce r, String offset, String v) {
        return foldScratch(r, offset, v, null);
    }

    /** Merges {@code r}'s local accumulators into its scratch at {@code offset}. */
    protected String mergeScratch(Schedule.Reduce r, String offset) {
        return r.reduction().merge(this, scratch(r, offset, 0), scratch(r, offset, 1), acc(r, 0), acc(r, 1));
    }

    /** Local accumulator {@code slot} of {@code r}, or null past its slots. */
    protected static String acc(Schedule.Reduce r, int slot) {
        return slot < r.reduction().slots() ? "acc" + r.buffer().id() + "_" + slot : null;
    }

    // ---- launches ---------------------------------------------------------------------------------

    private void launch(Schedule.Launch l, String indent) {
        switch (l.kernel()) {
            case Kernel.Loop k -> {
                if (l.nest().outer().isEmpty()) {
                    phase(l, l.nest().phases().getFirst(), indent);
                } else {
                    outer(l, indent);
                }
            }
            case Kernel.Scan s -> scan(l, s, indent);
            case Kernel.Argsort a -> sort(l, a, indent);
            case Kernel.Scatter s -> scatter(l, s, indent);
        }
    }

    /** One phase of a Loop with no outer loops: its loops and body. */
    protected void phase(Schedule.Launch l, Schedule.Phase p, String indent) {
        nest(l, 0, p, indent);
    }

    /** An argsort: each lane of its input (see {@link #openLanes}) sorted as a row. */
    protected void sort(Schedule.Launch l, Kernel.Argsort k, String indent) {
        Schedule.Sort s = new Schedule.Sort(k.output(), k.input(), true);
        sortScratch(s, indent);
        sortRow(s, openLanes(l.lanes(), indent));
        closeLanes(l.lanes(), indent);
    }

    /** A Loop with outer dimensions: its outer loops; inside them every phase (a sort phase sorts the row), then what it finishes per outer index. */
    protected void outer(Schedule.Launch l, String indent) {
        for (Schedule.Phase p : l.nest().phases()) {
            if (p.sort() != null) {
                sortScratch(p.sort(), indent);
            }
        }
        outer(l, 0, indent);
    }

    /** The outer loops from {@code at}. */
    private void outer(Schedule.Launch l, int at, String indent) {
        if (at == l.nest().outer().size()) {
            for (Schedule.Phase p : l.nest().phases()) {
                if (p.sort() != null) {
                    sortRow(p.sort(), indent);
                    continue;
                }
                nest(l, 0, p, indent);
                finishInKernel(l, p, indent);
            }
            return;
        }
        outer(l, at + 1, open(l.nest().outer().get(at), at == 0, indent));
        close(indent);
    }

    /** The loops over the inner dimensions from {@code at}, then phase {@code p}'s body; the first is split when there are no outer loops. */
    private void nest(Schedule.Launch l, int at, Schedule.Phase p, String indent) {
        List<String> dims = l.nest().inner();
        boolean outer = !l.nest().outer().isEmpty();
        if (dims.isEmpty()) {
            if (outer) {
                body(l, p, indent);
            } else {
                line(indent, "if (part == 0) {");
                body(l, p, indent + "    ");
                close(indent);
            }
        } else if (at == dims.size() - 1) {
            innermost(l, p, at == 0 && !outer, indent);
        } else {
            nest(l, at + 1, p, open(dims.get(at), at == 0 && !outer, indent));
            close(indent);
        }
    }

    /**
     * The innermost loop, with local accumulators for the reductions invariant along it. Inside
     * outer loops, what the body computes alike at every step of it (a row's loads and gathers, and
     * the arithmetic on them) is computed once, before it, and only where it runs at least once: so
     * an empty loop still reads nothing, and a bad gather or a non-finite input fails as in the loop.
     */
    protected void innermost(Schedule.Launch l, Schedule.Phase p, boolean split, String indent) {
        accumulators(p, indent);
        String dim = l.nest().innermost();
        if (split) {
            body(l, p, open(dim, true, indent));
            close(indent);
        } else {
            StringBuilder rowCode = new StringBuilder();
            int start = out.length();
            String in = open(dim, false, indent);
            body(l, p, in, new Values(plan, this, out, in, "v", next, new Values(plan, this, rowCode, indent + "    ", "v", next), index(dim)));
            close(indent);
            if (!rowCode.isEmpty()) {
                String loop = out.substring(start).indent(4);
                out.setLength(start);
                line(indent, "if (" + size(dim) + " > 0) {");
                out.append(rowCode).append(loop);
                close(indent);
            }
        }
        foldLocals(p, indent);
    }

    /** The phase's reductions that accumulate in locals over the innermost loop. */
    protected static List<Schedule.Reduce> locals(Schedule.Phase p) {
        return p.outputs().stream().filter(o -> o instanceof Schedule.Reduce r && r.local()).map(o -> (Schedule.Reduce) o).toList();
    }

    /** Declares the local accumulators, each slot at its identity. */
    protected final void accumulators(Schedule.Phase p, String indent) {
        for (Schedule.Reduce r : locals(p)) {
            for (int s = 0; s < r.reduction().slots(); s++) {
                line(indent, "double " + acc(r, s) + " = " + r.reduction().identity(this, s) + ";");
            }
        }
    }

    /** After the innermost loop: each local accumulator finished and stored (in the row), or merged into scratch. */
    protected final void foldLocals(Schedule.Phase p, String indent) {
        for (Schedule.Reduce r : locals(p)) {
            String off = offset(r.buffer(), indexOf(r.buffer().type().dims()));
            line(indent, r.finished() == Schedule.Finished.ROW ? finished(r, acc(r, 0), acc(r, 1), off) : mergeScratch(r, off));
        }
    }

    /** The statement storing {@code r}'s result from slots p0, p1 at {@code offset}. */
    private String finished(Schedule.Reduce r, String p0, String p1, String offset) {
        String v = r.reduction().finish(this, p0, p1, count(r.reduced()));
        return store(r.buffer(), offset, "(" + type(r.buffer().type().dtype()) + ") (" + v + ")");
    }

    /** The work at one point of phase {@code p}: each output stored, or folded into its locals or scratch. */
    protected final void body(Schedule.Launch l, Schedule.Phase p, String indent) {
        body(l, p, indent, values(indent));
    }

    /** {@link #body(Schedule.Launch, Schedule.Phase, String)}, its values from {@code memo}. */
    private void body(Schedule.Launch l, Schedule.Phase p, String indent, Values memo) {
        memo.computeInline(stored(p));
        Map<String, String> ix = indexOf(l.points());
        for (Schedule.Output o : p.outputs()) {
            Buffer b = o.buffer();
            Node n = b.node();
            if (o instanceof Schedule.Reduce r) {
                String v = "(double) " + memo.value(n.in(0), ix).expr();
                String at = n.attrs() instanceof Attrs.Dim d ? ix.get(d.dim()) : "0";
                line(indent, r.local() ? r.reduction().fold(this, acc(r, 0), acc(r, 1), v, at) : foldScratch(r, offset(b, ix), v, at));
            } else {
                line(indent, store(b, offset(b, ix), memo.value(n, ix).expr()));
            }
        }
    }

    /** The nodes phase {@code p} stores: computed in its body, not read back. */
    protected static Set<Node> stored(Schedule.Phase p) {
        return p.outputs().stream().filter(o -> o instanceof Schedule.Store).map(o -> o.buffer().node()).collect(Collectors.toSet());
    }

    /** Finishes, for the current outer indices, the reductions of {@code p} that later phases read. */
    private void finishInKernel(Schedule.Launch l, Schedule.Phase p, String indent) {
        for (Schedule.Output o : p.outputs()) {
            if (o instanceof Schedule.Reduce r && r.finished() == Schedule.Finished.KERNEL) {
                List<String> rest = TensorType.minus(r.buffer().type().dims(), l.nest().outer());
                String in = indent;
                for (String d : rest) {
                    in = open(d, false, in);
                }
                String off = offset(r.buffer(), indexOf(r.buffer().type().dims()));
                line(in, finished(r, scratch(r, off, 0), scratch(r, off, 1), off));
                for (int i = rest.size() - 1; i >= 0; i--) {
                    close(indent + "    ".repeat(i));
                }
            }
        }
    }

    // ---- scans, scatters --------------------------------------------------------------------------

    /** A scan aₜ = xₜ + cₜ·aₜ∓₁: lane by lane carrying in a local, or a sweep where the lanes are rows. */
    private void scan(Schedule.Launch l, Kernel.Scan s, String indent) {
        Node n = s.output().node();
        String dim = n.attrs(Attrs.Scan.class).dim();
        List<String> dims = n.type().dims();
        List<String> before = dims.subList(0, dims.indexOf(dim));
        List<String> after = dims.subList(dims.indexOf(dim) + 1, dims.size());
        if (after.isEmpty() || !sweeps()) {
            String in = openLanes(l.lanes(), indent);
            carry(s, in);
            closeLanes(l.lanes(), indent);
            return;
        }
        String in = indent;
        for (int i = 0; i < before.size(); i++) {
            in = open(before.get(i), i == 0, in);
        }
        sweep(s, before.isEmpty(), after, in);
        for (int i = before.size() - 1; i >= 0; i--) {
            close(indent + "    ".repeat(i));
        }
    }

    /** One lane: the carry in a local, each step stored. */
    private void carry(Kernel.Scan s, String indent) {
        Buffer b = s.output();
        Node n = b.node();
        Attrs.Scan a = n.attrs(Attrs.Scan.class);
        String size = size(a.dim());
        line(indent, type(b.type().dtype()) + " a = 0;");
        line(indent, loop("t", "0", size, false));
        String in = indent + "    ";
        line(in, declare(indexType(), index(a.dim()), a.reverse() ? size + " - 1 - t" : "t"));
        Values memo = values(in).computeInline(Set.of(n));
        Map<String, String> ix = indexOf(n.type().dims());
        String x = memo.value(n.in(0), ix).expr();
        String c = memo.value(n.in(1), ix).expr();
        line(in, "a = " + x + " + " + c + " * a;");
        line(in, store(b, offset(b, ix), "a"));
        close(indent);
    }

    /**
     * The scanned dimension outermost, then the contiguous rows after it ({@code after}), each
     * point reading the row the step before wrote; the first step has no carry. The first
     * dimension after the scanned one is split among parts when none comes before it.
     */
    private void sweep(Kernel.Scan s, boolean split, List<String> after, String indent) {
        Attrs.Scan a = s.output().node().attrs(Attrs.Scan.class);
        String size = size(a.dim());
        String t = index(a.dim());
        for (boolean first : new boolean[] {true, false}) {
            String in = indent + "    ";
            if (first) {
                line(indent, "{");
                line(in, declare(indexType(), t, a.reverse() ? size + " - 1" : "0"));
            } else {
                line(indent, loop("t", "1", size, false));
                line(in, declare(indexType(), t, a.reverse() ? size + " - 1 - t" : "t"));
                line(in, declare(indexType(), "prev_" + a.dim(), a.reverse() ? t + " + 1" : t + " - 1"));
            }
            for (int i = 0; i < after.size() - 1; i++) {
                in = open(after.get(i), split && i == 0, in);
            }
            sweepRow(s, after.getLast(), split && after.size() == 1, first, in);
            for (int i = after.size() - 2; i >= 0; i--) {
                close(indent + "    ".repeat(i + 1));
            }
            close(indent);
        }
    }

    /** A row of a sweep along {@code dim}. */
    protected void sweepRow(Kernel.Scan s, String dim, boolean split, boolean first, String indent) {
        String in = open(dim, split, indent);
        sweepPoint(s, first, in);
        close(indent);
    }

    /** One point of a sweep: x + c · (the previous step's output, or 0 at the first). */
    protected final void sweepPoint(Kernel.Scan s, boolean first, String indent) {
        Buffer b = s.output();
        Node n = b.node();
        Values memo = values(indent).computeInline(Set.of(n));
        Map<String, String> ix = indexOf(n.type().dims());
        String x = memo.value(n.in(0), ix).expr();
        String c = memo.value(n.in(1), ix).expr();
        String prev = first ? literal(0, b.type().dtype()) : load(memo, b, previous(s, ix)).expr();
        line(indent, store(b, offset(b, ix), x + " + " + c + " * " + prev));
    }

    /** The same point one step back along the scan. */
    protected static Map<String, String> previous(Kernel.Scan s, Map<String, String> ix) {
        String dim = s.output().node().attrs(Attrs.Scan.class).dim();
        Map<String, String> p = new LinkedHashMap<>(ix);
        p.put(dim, "prev_" + dim);
        return p;
    }

    /**
     * A scatter-add: its lanes (see {@link #openLanes}) split among parts, the dimensions it sums
     * over looped in order inside each lane (so every target's terms arrive in the same order as on
     * one part: deterministic), its input and index computed in place, summed into scratch.
     */
    private void scatter(Schedule.Launch l, Kernel.Scatter s, String indent) {
        Buffer b = s.output();
        Node n = b.node();
        String dim = n.attrs(Attrs.Scatter.class).dim();
        String lane = openLanes(l.lanes(), indent);
        List<String> summed = l.points().stream().filter(d -> !l.lanes().contains(d)).toList();
        String in = lane;
        for (String d : summed) {
            in = open(d, false, in);
        }
        Values memo = values(in);
        Map<String, String> ix = indexOf(l.points());
        String g = memo.value(n.in(0), ix).expr();
        String idx = memo.value(n.in(1), ix).expr();
        Map<String, String> target = new LinkedHashMap<>(ix);
        target.put(dim, memo.declare(indexType(), checkScatter(idx, dim)));
        line(in, scatterInto(memo, l.scratch().getFirst(), offset(b, target), "(double) " + g));
        for (int i = summed.size() - 1; i >= 0; i--) {
            close(lane + "    ".repeat(i));
        }
        closeLanes(l.lanes(), indent);
    }
}
