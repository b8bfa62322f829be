package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fusion pass: from a graph to a {@link KernelPlan} (spec/ir.md#fusion).
 * <ol>
 *   <li>Buffers: the inputs, the outputs, every reduction, scan, sort and scatter, and every value a
 *       gather or shift reads at other positions (seen through renames and expands, which are
 *       views). Everything else is recomputed where it is used, never written to memory, but for
 *       the values of 6.</li>
 *   <li>Kernels: scans, sorts and scatters get their own. The other buffers are computed by Loop
 *       kernels, each over an iteration space; a buffer joins a Loop over the same space that
 *       comes after everything it reads, in the first phase after the reductions of that Loop it
 *       uses. So the loss, the reports and the gradients of a PPO-style objective share one pass.</li>
 *   <li>Each Loop's space is ordered like its first output, then split: the dimensions reduced by a
 *       reduction that a later phase uses go inside, the rest outside, so that phases revisit a
 *       group (a row of K samples) while it is still in cache.</li>
 *   <li>Size: no Loop kernel computes more than {@link #MAX_KERNEL_NODES} distinct nodes, which keeps
 *       its generated code within a JVM method's 64 KB. The nodes are cut into runs of
 *       {@link #RUN} in topological order, and a value one run computes that a later run reads is
 *       buffered; a kernel whose nodes would outgrow the limit is not joined.</li>
 *   <li>An argsort along K whose first reader is a Loop over [.., G] then [K], reading it only in
 *       the row it visits, becomes that Loop's first phase.</li>
 *   <li>A value that a Loop's vector loop would recompute along a dimension it lacks is buffered,
 *       and the plan made again.</li>
 * </ol>
 */
public final class FusePass {

    /** The most distinct nodes one Loop kernel computes. */
    static final int MAX_KERNEL_NODES = 512;
    /** The length of the runs of computed nodes, in topological order, that a value is recomputed within. */
    static final int RUN = 256;

    private final Graph graph;
    /** Computed values buffered because a Loop would otherwise recompute them along a dimension they lack (6). */
    private final Set<Node> broadcast;
    private final Map<Node, Buffer> buffers = new LinkedHashMap<>();
    private final List<KernelBuilder> kernels = new ArrayList<>();
    private final Map<Buffer, KernelBuilder> producer = new HashMap<>();

    /** A Loop being assembled: its space (as a set), and each output's phase. */
    private static final class KernelBuilder {
        final int id;
        final Set<String> space;
        final LinkedHashMap<Buffer, Integer> phase = new LinkedHashMap<>();
        final Set<Node> nodes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        final Kernel fixed;

        KernelBuilder(int id, Set<String> space, Kernel fixed) {
            this.id = id;
            this.space = space;
            this.fixed = fixed;
        }
    }

    private FusePass(Graph graph, Set<Node> broadcast) {
        this.graph = graph;
        this.broadcast = broadcast;
    }

    public static KernelPlan plan(Graph graph) {
        graph = ReductionOrder.of(graph);
        Set<Node> broadcast = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (true) {
            FusePass pass = new FusePass(graph, broadcast);
            KernelPlan plan = pass.run();
            /* each round buffers at least one more node, so this ends */
            if (!broadcast.addAll(pass.recomputedAlongRows(plan.kernels()))) {
                return plan;
            }
        }
    }

    private KernelPlan run() {
        List<Node> order = graph.nodes();
        Set<Node> needed = buffered(order);
        for (Node n : order) {
            if (needed.contains(n)) {
                buffers.put(n, new Buffer(buffers.size(), n));
            }
        }
        for (Buffer b : buffers.values()) {
            Node n = b.node();
            switch (n.op()) {
                case INPUT -> { }
                case SCAN -> fixed(b, new Kernel.Scan(kernels.size(), b));
                case ARGSORT -> fixed(b, new Kernel.Argsort(kernels.size(), b, buffers.get(n.in(0).underlying())));
                case SCATTER_ADD -> fixed(b, new Kernel.Scatter(kernels.size(), b));
                default -> loop(b);
            }
        }
        List<Kernel> out = new ArrayList<>();
        for (KernelBuilder k : kernels) {
            out.add(k.fixed != null ? k.fixed : finish(k));
        }
        return new KernelPlan(graph, List.copyOf(buffers.values()), new IdentityHashMap<>(buffers), sortsIntoRows(out));
    }

    // ---- 5. sorts as the first phase of the Loop that reads them --------------------------------

    /**
     * Each argsort along K whose first reader is a Loop over [.., G] then [K] becomes that Loop's
     * first phase, when no kernel between them reads it and the Loop reads it only within the row
     * it visits: each row is sorted while it is in cache (or in a block's tile, where the permutation
     * stays unless something after the Loop reads it).
     */
    private List<Kernel> sortsIntoRows(List<Kernel> kernels) {
        List<Kernel> out = new ArrayList<>(kernels);
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof Kernel.Argsort a)) {
                continue;
            }
            for (int j = i + 1; j < out.size(); j++) {
                Kernel k = out.get(j);
                if (!reads(k, a.output())) {
                    continue;
                }
                if (k instanceof Kernel.Loop l && sortsInto(a, l)) {
                    List<Kernel.Phase> phases = new ArrayList<>(List.of(new Kernel.Phase(List.of(a.output()))));
                    phases.addAll(l.phases());
                    out.set(j, new Kernel.Loop(l.id(), l.space(), l.outer(), List.copyOf(phases)));
                    out.remove(i);
                    i--;
                }
                break;
            }
        }
        List<Kernel> numbered = new ArrayList<>();
        for (Kernel k : out) {
            numbered.add(Kernel.numbered(k, numbered.size()));
        }
        return numbered;
    }

    /** Whether kernel {@code k} reads buffer {@code b}. */
    private boolean reads(Kernel k, Buffer b) {
        return k.writes().stream().anyMatch(w -> reads(w.node()).contains(b));
    }

    /** Whether {@code a} can be the first phase of {@code l}: l loops over its lanes then its dimension, and reads it only in the row. */
    private boolean sortsInto(Kernel.Argsort a, Kernel.Loop l) {
        Node sort = a.output().node();
        String dim = sort.attrs(Attrs.Argsort.class).dim();
        Set<String> dims = Set.copyOf(sort.type().dims());
        if (l.outer() == 0 || !l.innerDims().equals(List.of(dim)) || !Set.copyOf(l.space()).equals(dims)
                || !Set.copyOf(a.input().type().dims()).equals(dims)) {
            return false;
        }
        for (Buffer w : l.writes()) {
            for (Node m : cone(w.node())) {
                for (int i = 0; i < m.inputs().size(); i++) {
                    if (m.in(i) == sort && !inTheRow(m, i, dim)) {
                        return false;
                    }
                    if (m.in(i) != sort && m.in(i).underlying() == sort) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Whether {@code m} reads its input {@code i}, a row's permutation along {@code dim}, only within the row: at the point itself, or along dim. */
    private static boolean inTheRow(Node m, int i, String dim) {
        return m.op() == Op.GATHER ? m.attrs(Attrs.Dim.class).dim().equals(dim) : m.op().isElementwise();
    }

    // ---- 6. values recomputed along a dimension they lack ---------------------------------------

    /**
     * The computed values each Loop would recompute, a whole row at a time, along a dimension they
     * lack: an element-wise node broadcasts its input over a dimension of the Loop, and that input
     * varies along the Loop's innermost dimension (its vector loop), so each of its rows is
     * computed again for every index of the missing dimension. QR-DQN's target row over M is
     * recomputed for each of the N quantiles it is compared with; buffered, it is computed once
     * and loaded. Left as they are: a value that does not vary along the innermost dimension
     * (computed once per row already; an expand adds no dimension a value varies along), one
     * computed from constants and indices alone (cheaper to recompute than to load), one that
     * reads an argsort ({@link #worthLoading}), and one not f32 (the vector backend's loops store
     * f32). Nodes are seen in the Loop's own coordinates: the walk stops at renames and at buffers.
     */
    private Set<Node> recomputedAlongRows(List<Kernel> plan) {
        Set<Node> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Kernel k : plan) {
            if (!(k instanceof Kernel.Loop l) || l.space().isEmpty()) {
                continue;
            }
            String innermost = l.space().getLast();
            for (Buffer w : l.writes()) {
                Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                List<Node> stack = new ArrayList<>(w.node().op().isReduction() ? w.node().inputs() : List.of(w.node()));
                while (!stack.isEmpty()) {
                    Node m = stack.removeLast();
                    if (!seen.add(m) || m.op() == Op.RENAME || m != w.node() && buffers.containsKey(m)) {
                        continue;
                    }
                    if (m.op().isElementwise()) {
                        for (Node x : m.inputs()) {
                            List<String> dims = varying(x);
                            Node u = x.underlying();
                            if (computed(u) && !buffers.containsKey(u) && u.type().dtype() == DType.F32
                                    && dims.contains(innermost) && !dims.containsAll(m.type().dims()) && worthLoading(u)) {
                                out.add(u);
                            }
                        }
                    }
                    stack.addAll(m.inputs());
                }
            }
        }
        return out;
    }

    /** The dimensions, named as {@code x} names them, that the value under views {@code x} varies along: an expand adds none. */
    private static List<String> varying(Node x) {
        return switch (x.op()) {
            case EXPAND, STOP_GRADIENT -> varying(x.in(0));
            case RENAME -> {
                Attrs.Rename r = x.attrs(Attrs.Rename.class);
                yield varying(x.in(0)).stream().map(d -> d.equals(r.from()) ? r.to() : d).toList();
            }
            default -> x.type().dims();
        };
    }

    /**
     * Whether buffering {@code u} saves work: it reads a buffer (values of constants and indices
     * alone cost less to recompute than to load), and no argsort, whose first reader it would
     * become, keeping the sort out of the loop that reads it (5).
     */
    private boolean worthLoading(Node u) {
        Set<Buffer> read = reads(u);
        return !read.isEmpty() && read.stream().noneMatch(b -> b.node().op() == Op.ARGSORT);
    }

    // ---- 1. buffers -----------------------------------------------------------------------------

    private Set<Node> buffered(List<Node> order) {
        Set<Node> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        out.addAll(graph.outputs().values());
        for (Node n : order) {
            switch (n.op()) {
                case INPUT, SUM, MEAN, REDUCE_MAX, REDUCE_MIN, LOGSUMEXP, ARGMAX, ARGMIN, SCAN, ARGSORT, SCATTER_ADD -> out.add(n);
                case GATHER, SHIFT -> out.add(n.in(0).underlying());
                default -> { }
            }
            if (n.op() == Op.ARGSORT) {
                out.add(n.in(0).underlying());
            }
        }
        out.addAll(broadcast);
        cutIntoRuns(order, out);
        return out;
    }

    /**
     * Adds to {@code buffers} each computed value that a later run of {@link #RUN} computed nodes
     * reads, so that every value is computed from at most a run's nodes.
     */
    private static void cutIntoRuns(List<Node> order, Set<Node> buffers) {
        Map<Node, Integer> run = new IdentityHashMap<>();
        int current = 0;
        int count = 0;
        for (Node n : order) {
            for (Node in : n.inputs()) {
                Node u = in.underlying();
                Integer r = run.get(u);
                if (r != null && r < current) {
                    buffers.add(u);
                }
            }
            if (computed(n) && !buffers.contains(n)) {
                run.put(n, current);
                if (++count == RUN) {
                    current++;
                    count = 0;
                }
            }
        }
    }

    /** Whether a kernel computes {@code n} with code of its own: not an input, a constant, an index or a view. */
    private static boolean computed(Node n) {
        return switch (n.op()) {
            case INPUT, CONST, SIZE, IOTA -> false;
            default -> !n.op().isView();
        };
    }

    /**
     * The nodes a kernel emits code for to produce {@code n}: the computed ones down its inputs, and
     * the buffers where that stops, which it loads.
     */
    private Set<Node> cone(Node n) {
        Set<Node> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> stack = new ArrayList<>(List.of(n));
        while (!stack.isEmpty()) {
            Node m = stack.removeLast();
            if (out.add(m) && (m == n || !buffers.containsKey(m))) {
                stack.addAll(m.inputs());
            }
        }
        out.removeIf(m -> !computed(m) && !buffers.containsKey(m));
        return out;
    }

    private void fixed(Buffer b, Kernel k) {
        KernelBuilder kb = new KernelBuilder(kernels.size(), Set.of(), k);
        kernels.add(kb);
        producer.put(b, kb);
    }

    // ---- 2. Loop kernels ------------------------------------------------------------------------

    /** The dimensions a Loop computing {@code n} iterates over. */
    static List<String> spaceOf(Node n) {
        return n.op().isReduction() ? n.in(0).type().dims() : n.type().dims();
    }

    private void loop(Buffer b) {
        Set<String> space = new HashSet<>(spaceOf(b.node()));
        Set<Buffer> deps = reads(b.node());
        Set<Buffer> elsewhere = readsElsewhere(b.node());
        Set<Node> cone = cone(b.node());
        int earliest = 0;
        for (Buffer d : deps) {
            KernelBuilder p = producer.get(d);
            if (p != null) {
                earliest = Math.max(earliest, p.id);
            }
        }
        for (int i = earliest; i < kernels.size(); i++) {
            KernelBuilder k = kernels.get(i);
            boolean readsOwnWrites = elsewhere.stream().anyMatch(d -> producer.get(d) == k);
            if (k.fixed == null && k.space.equals(space) && dependsOnlyBefore(deps, k) && !readsOwnWrites && fits(k, cone)) {
                k.phase.put(b, phase(k, deps));
                k.nodes.addAll(cone);
                producer.put(b, k);
                return;
            }
        }
        KernelBuilder k = new KernelBuilder(kernels.size(), space, null);
        k.nodes.addAll(cone);
        k.phase.put(b, 0);
        kernels.add(k);
        producer.put(b, k);
    }

    private static boolean fits(KernelBuilder k, Set<Node> cone) {
        return k.nodes.size() + cone.stream().filter(n -> !k.nodes.contains(n)).count() <= MAX_KERNEL_NODES;
    }

    private boolean dependsOnlyBefore(Set<Buffer> deps, KernelBuilder k) {
        for (Buffer d : deps) {
            KernelBuilder p = producer.get(d);
            if (p != null && p.id > k.id) {
                return false;
            }
        }
        return true;
    }

    /** The phase of a new output of {@code k}: after the reductions of {@code k} it reads. */
    private static int phase(KernelBuilder k, Set<Buffer> deps) {
        int phase = 0;
        for (Buffer d : deps) {
            Integer p = k.phase.get(d);
            if (p != null) {
                phase = Math.max(phase, d.node().op().isReduction() ? p + 1 : p);
            }
        }
        return phase;
    }

    /**
     * The buffers {@code n} reads at other positions than the point it computes (through a gather
     * or a shift): they must be complete before, so they cannot come from {@code n}'s own Loop.
     */
    Set<Buffer> readsElsewhere(Node n) {
        Set<Buffer> out = new LinkedHashSet<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> stack = new ArrayList<>(List.of(n));
        while (!stack.isEmpty()) {
            Node m = stack.removeLast();
            if (!seen.add(m) || (m != n && buffers.containsKey(m.underlying()))) {
                continue;
            }
            if (m.op() == Op.GATHER || m.op() == Op.SHIFT) {
                out.add(buffers.get(m.in(0).underlying()));
            }
            stack.addAll(m.inputs());
        }
        return out;
    }

    /** The buffers {@code n}'s value reads. */
    Set<Buffer> reads(Node n) {
        return reads(buffers, n);
    }

    /** The buffers of {@code buffers} that {@code n}'s value reads, found by walking its inputs down to buffers. */
    static Set<Buffer> reads(Map<Node, Buffer> buffers, Node n) {
        Set<Buffer> out = new LinkedHashSet<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> stack = new ArrayList<>(n.inputs());
        while (!stack.isEmpty()) {
            Node m = stack.removeLast();
            if (!seen.add(m)) {
                continue;
            }
            Node u = m.underlying();
            if (buffers.containsKey(u) && u != n) {
                out.add(buffers.get(u));
            } else if (u != n) {
                stack.addAll(m.inputs());
            }
        }
        return out;
    }

    /** The Loop with its space ordered and split, and its outputs grouped by phase. */
    private Kernel.Loop finish(KernelBuilder k) {
        Set<String> inner = new LinkedHashSet<>();
        for (Map.Entry<Buffer, Integer> e : k.phase.entrySet()) {
            Node n = e.getKey().node();
            if (n.op().isReduction() && usedLaterIn(k, e.getKey(), e.getValue())) {
                inner.addAll(n.reduced());
            }
        }
        int phases = k.phase.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<String> base = spaceOf(k.phase.keySet().iterator().next().node());
        List<String> space = new ArrayList<>(TensorType.minus(base, List.copyOf(inner)));
        int outer = phases == 1 ? 0 : space.size();
        space.addAll(base.stream().filter(inner::contains).toList());
        List<Kernel.Phase> list = new ArrayList<>();
        for (int p = 0; p < phases; p++) {
            int phase = p;
            list.add(new Kernel.Phase(k.phase.entrySet().stream().filter(e -> e.getValue() == phase).map(Map.Entry::getKey).toList()));
        }
        return new Kernel.Loop(k.id, space, outer, list);
    }

    private boolean usedLaterIn(KernelBuilder k, Buffer b, int phase) {
        for (Map.Entry<Buffer, Integer> e : k.phase.entrySet()) {
            if (e.getValue() > phase && reads(e.getKey().node()).contains(b)) {
                return true;
            }
        }
        return false;
    }
}
