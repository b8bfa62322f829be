package dev.rlo.compiler.backend;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.DimSize;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks and prepares a graph's inputs, the same way for every backend: each declared input present
 * and no other, its dimensions those declared (in any order; it is permuted to the declared one),
 * each dimension one size throughout, values that fit the declared dtype (converted to it), no NaN
 * or ∞. Renamed dimensions get their sizes from their sources.
 */
public final class Inputs {

    /** The prepared inputs, in declared layout and dtype, and the size of every dimension. */
    public record Bound(Map<String, Tensor> tensors, Map<String, Long> sizes) { }

    private Inputs() { }

    /**
     * Binds inputs to one graph, call after call: what depends on the graph alone (which inputs index
     * which dimensions) is worked out once, when a backend compiles the graph, so that a training-size
     * call pays only for its tensors.
     */
    public static final class Binder {
        private final Graph g;
        private final Map<String, java.util.Set<String>> indexed;
        /** The sizes of the last call whose inputs all came as declared, and their shapes: see {@link #bind}. */
        private volatile Shapes last;

        /** Each input's shape, in declaration order, and the sizes of every dimension they gave. */
        private record Shapes(long[][] shapes, Map<String, Long> sizes) { }

        public Binder(Graph g) {
            this.g = g;
            this.indexed = indexedDims(g);
        }

        /**
         * The inputs checked and prepared; with {@code checkValues} false, values are neither scanned nor
         * copied where the dtype already matches (the fused backend checks floats as its kernels read them).
         * <p>
         * A training loop binds the same inputs in the same shapes call after call. Where, without
         * {@code checkValues}, every input comes in its declared dimensions, order and dtype, and in the
         * shapes of the last such call, the sizes are that call's and the tensors the given ones: only
         * the indices are checked again (their values change), and no map is made.
         */
        public Bound bind(Map<String, Tensor> given, boolean checkValues) {
            Shapes known = last;
            if (!checkValues && known != null && asDeclared(given, known.shapes())) {
                checkIndices(given, known.sizes());
                return new Bound(given, known.sizes());
            }
            Bound bound = bindAnew(given, checkValues);
            if (!checkValues && asDeclared(given, null)) {
                long[][] shapes = new long[g.inputs().size()][];
                for (int i = 0; i < shapes.length; i++) {
                    shapes[i] = given.get(g.inputs().get(i).name()).shape().clone();
                }
                last = new Shapes(shapes, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bound.sizes())));
            }
            return bound;
        }

        /**
         * Whether {@code given} holds exactly the declared inputs, each in its declared dimensions,
         * order and dtype, and (where {@code shapes} is not null) in those shapes.
         */
        private boolean asDeclared(Map<String, Tensor> given, long[][] shapes) {
            if (given.size() != g.inputs().size()) {
                return false;
            }
            for (int i = 0; i < g.inputs().size(); i++) {
                Graph.Input in = g.inputs().get(i);
                Tensor t = given.get(in.name());
                if (t == null || t.dtype() != in.type().dtype() || !t.dims().equals(in.type().dims())
                        || shapes != null && !java.util.Arrays.equals(t.shape(), shapes[i])) {
                    return false;
                }
            }
            return true;
        }

        private void checkIndices(Map<String, Tensor> tensors, Map<String, Long> sizes) {
            for (Map.Entry<String, java.util.Set<String>> e : indexed.entrySet()) {
                Inputs.checkIndices(g.input(e.getKey()), tensors.get(e.getKey()), e.getValue(), sizes);
            }
        }

        private Bound bindAnew(Map<String, Tensor> given, boolean checkValues) {
            for (String name : given.keySet()) {
                if (g.input(name) == null) {
                    throw new UserError("unknown input `" + name + "`; " + g.name() + " takes " + names(g));
                }
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, Long> sizes = new LinkedHashMap<>();
            Map<String, String> sizedBy = new LinkedHashMap<>();
            for (Graph.Input in : g.inputs()) {
                Tensor t = given.get(in.name());
                if (t == null) {
                    throw new UserError("missing input `" + in.name() + "`: expected " + in.type());
                }
                if (!t.dims().equals(in.type().dims()) && !new HashSet<>(t.dims()).equals(new HashSet<>(in.type().dims()))) {
                    throw new UserError("input `" + in.name() + "` has dimensions [" + String.join(", ", t.dims())
                            + "], but " + g.name() + " declares " + in.type());
                }
                t = t.permutedTo(in.type().dims());
                for (String d : in.type().dims()) {
                    Long previous = sizes.putIfAbsent(d, t.size(d));
                    if (previous != null && previous != t.size(d)) {
                        throw new UserError("dimension " + d + " is " + previous + " in `" + sizedBy.get(d) + "` but "
                                + t.size(d) + " in `" + in.name() + "`");
                    }
                    sizedBy.putIfAbsent(d, in.name());
                }
                tensors.put(in.name(), checkValues || t.dtype() != in.type().dtype() ? convert(in, t) : t);
            }
            declaredSizes(g, sizes, sizedBy);
            for (Attrs.Rename r : g.renames()) {
                Long from = sizes.get(r.from());
                Long to = sizes.putIfAbsent(r.to(), from);
                if (to != null && !to.equals(from)) {
                    throw new UserError("dimension " + r.to() + " is " + to + " but the rename " + r.from() + " -> " + r.to()
                            + " gives it size " + from);
                }
            }
            checkIndices(tensors, sizes);
            return new Bound(tensors, sizes);
        }
    }

    /**
     * The sizes the objective declares (S = 2, T1 = T + 1): checked against the inputs', or given to a
     * dimension no input has (a base from the dimension sized by it, or the reverse).
     */
    private static void declaredSizes(Graph g, Map<String, Long> sizes, Map<String, String> sizedBy) {
        for (Map.Entry<String, DimSize> e : g.sizes().entrySet()) {
            String d = e.getKey();
            DimSize rule = e.getValue();
            if (!rule.fixed() && !sizes.containsKey(rule.base()) && sizes.containsKey(d)) {
                sizes.put(rule.base(), sizes.get(d) - rule.offset());
            }
            Long want = rule.of(sizes);
            Long have = sizes.putIfAbsent(d, want);
            if (have != null && want != null && !have.equals(want)) {
                throw new UserError("dimension " + d + " is " + have + " in `" + sizedBy.get(d) + "`, but " + g.name() + " declares "
                        + d + " = " + rule + (rule.fixed() ? "" : " = " + want + " (" + rule.base() + " is "
                        + sizes.get(rule.base()) + (sizedBy.containsKey(rule.base()) ? " in `" + sizedBy.get(rule.base()) + "`" : "") + ")"));
            }
        }
    }

    /**
     * For each i32 input that indexes a dimension as it is (through casts only: {@code q[A = action]},
     * {@code one_hot(action, A)}), the dimensions it indexes.
     */
    public static Map<String, java.util.Set<String>> indexedDims(Graph g) {
        Map<String, java.util.Set<String>> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            String dim = n.op() == Op.GATHER ? n.attrs(Attrs.Dim.class).dim() : null;
            Node index = n.op() == Op.GATHER ? n.in(1) : null;
            if (n.op() == Op.EQ && n.in(1).op() == Op.IOTA) {
                dim = n.in(1).attrs(Attrs.Dim.class).dim();
                index = n.in(0);
            }
            while (index != null && index.op() == Op.CAST) {
                index = index.in(0);
            }
            if (index != null && index.op() == Op.INPUT) {
                out.computeIfAbsent(index.attrs(Attrs.Input.class).name(), k -> new java.util.TreeSet<>()).add(dim);
            }
        }
        return out;
    }

    /** For each input of {@link #indexedDims}, the size of the smallest dimension it indexes (whose size is known). */
    public static Map<String, Long> indexBounds(Graph g, Map<String, Long> sizes) {
        Map<String, Long> bounds = new java.util.HashMap<>();
        indexedDims(g).forEach((name, dims) -> dims.stream().filter(sizes::containsKey).mapToLong(sizes::get).min()
                .ifPresent(b -> bounds.put(name, b)));
        return bounds;
    }

    /**
     * A clear error, naming the input, for an index outside a dimension it indexes (the backends would
     * name only the dimension). The i32 values are read where they lie, without a copy.
     */
    private static void checkIndices(Graph.Input in, Tensor t, java.util.Set<String> dims, Map<String, Long> sizes) {
        if (in.type().dtype() != DType.I32) {
            return;
        }
        long bound = Long.MAX_VALUE;
        for (String d : dims) {
            bound = Math.min(bound, sizes.getOrDefault(d, Long.MAX_VALUE));
        }
        java.lang.foreign.MemorySegment v = HostArrays.segment(HostArrays.contiguous(t.data()), DType.I32);
        long count = t.data().length();
        for (long i = 0; i < count; i++) {
            int index = v.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i);
            if (index < 0 || index >= bound) {
                String d = dims.stream().filter(x -> sizes.containsKey(x) && (index < 0 || index >= sizes.get(x))).findFirst().orElseThrow();
                throw new UserError("input `" + in.name() + "` has the index " + index + " at " + position(t, i)
                        + ", out of range for dimension " + d + " of size " + sizes.get(d));
            }
        }
    }

    /** The tensor in the declared dtype, refusing values the dtype cannot hold and non-finite floats. */
    private static Tensor convert(Graph.Input in, Tensor t) {
        DType want = in.type().dtype();
        double[] v = t.values();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw nonFinite(in, t, i);
            }
            String problem = want == DType.BOOL && v[i] != 0 && v[i] != 1 ? "the value " + v[i] + ", which is not a bool (0 or 1)"
                    : want == DType.I32 && (v[i] != Math.rint(v[i]) || Math.abs(v[i]) > Integer.MAX_VALUE)
                    ? "the value " + v[i] + ", which is not an i32" : null;
            if (problem != null) {
                throw new UserError("input `" + in.name() + "` has " + problem + " at " + position(t, i)
                        + "; expected " + in.type());
            }
        }
        return t.dtype() == want ? t : Tensor.of(want, t.dims(), t.shape(), v);
    }

    /** The error for a NaN or ∞ at row-major position {@code flat} of input {@code in}'s tensor {@code t}. */
    public static UserError nonFinite(Graph.Input in, Tensor t, long flat) {
        double v = t.data().getDouble(flat);
        return new UserError("input `" + in.name() + "` has a non-finite value (" + v + ") at " + position(t, flat)
                + "; expected " + in.type());
    }

    /** {@code [G=1, K=3]}: a flat row-major index as named coordinates. */
    private static String position(Tensor t, long flat) {
        long[] shape = t.shape();
        String[] parts = new String[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            parts[i] = t.dims().get(i) + "=" + flat % shape[i];
            flat /= shape[i];
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static String names(Graph g) {
        TreeSet<String> n = new TreeSet<>();
        g.inputs().forEach(i -> n.add(i.name()));
        return String.join(", ", n);
    }
}
