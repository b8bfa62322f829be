package dev.rlo.compiler.lower;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.List;

/**
 * Reductions grouped by i32 keys ({@code mean(x, over: B, by: group)}, spec/ir.md#lowering): along
 * dimension D each element takes the result of reducing its group, the elements whose keys are
 * equal. Groups need not be contiguous nor of one size, and keys are any i32 values. Everything is
 * written in existing ops, so every backend and the gradient table serve grouped reductions as they
 * are:
 * <ul>
 *   <li>a stable argsort of the keys brings each group together, groups in key order; a group
 *       starts where the sorted key changes, and a running count of starts (a scan) numbers the
 *       groups 0, 1, …, carried back to each element through the inverse permutation (its
 *       <em>id</em>);</li>
 *   <li>sums are scatter_adds over ids into D′, a copy of D (there are at most size(D) groups),
 *       gathered back by id; so are the counts;</li>
 *   <li>order statistics read the values sorted by (key, value), where a group starts after the
 *       elements of all groups with smaller ids.</li>
 * </ul>
 * Sums of floats accumulate in f64, and means are exact for equal values as masked means are
 * ({@link BuiltinLowering#exactMean}).
 */
final class Groups {

    private final IrBuilder b;
    private final Node keys;
    private final String dim;
    /** The copy of {@code dim} that group ids index. */
    private final String ids;
    /** Each element's group id, over the keys' dimensions. */
    private final Node id;
    /** Elements per group id (f64), over the keys' dimensions with {@code dim} replaced by {@code ids}. */
    private final Node count;

    Groups(Lowerer lowerer, Node keys, String dim) {
        this.b = lowerer.b;
        this.keys = keys;
        this.dim = dim;
        this.ids = lowerer.copyOf(dim);
        Node order = argsort(keys, false);
        Node sorted = gather(keys, order, dim);
        Node starts = b.node(Op.OR, Attrs.NONE, b.compare(Op.EQ, b.node(Op.IOTA, new Attrs.Dim(dim)), b.lit(0)),
                b.compare(Op.NE, sorted, b.node(Op.SHIFT, new Attrs.Shift(dim, 1), sorted, b.constant(0, DType.I32, false))));
        Node numbered = b.node(Op.SCAN, new Attrs.Scan(dim, false), b.cast(starts, DType.F64), one());
        Node sortedId = b.cast(b.sub(numbered, one()), DType.I32);
        this.id = gather(sortedId, argsort(order, false), dim);
        this.count = scatter(b.node(Op.EXPAND, new Attrs.Dims(keys.type().dims()), one()));
    }

    /** Σ of {@code v} over each element's group (in v's dtype; floats accumulate in f64). */
    Node sum(Node v) {
        if (!v.type().dtype().isFloat()) {
            return back(scatter(v));
        }
        return b.cast(back(scatter(b.cast(v, DType.F64))), v.type().dtype());
    }

    /** The mean of {@code x} over each group of elements where {@code mask} is on, or 0; all if mask is null. */
    Node mean(Node x, Node mask) {
        Node n = mask == null ? back(count) : b.arith(Op.MAX, back(scatter(b.cast(mask, DType.F64))), one());
        return BuiltinLowering.exactMean(b, x, n, v -> back(scatter(b.cast(kept(v, mask), DType.F64))));
    }

    /** Σ (x − mean)² / max(n − ddof, 1) over each group (of the elements where {@code mask} is on). */
    Node variance(Node x, Node mask, double ddof) {
        Node centered = b.sub(x, mean(x, mask));
        Node n = back(mask == null ? count : scatter(b.cast(mask, DType.F64)));
        Node squares = back(scatter(kept(b.cast(b.mul(centered, centered), DType.F64), mask)));
        return b.cast(b.div(squares, b.arith(Op.MAX, b.sub(n, b.lit(ddof)), one())), x.type().dtype());
    }

    /**
     * The largest (smallest) element of each group, NaN if the group has one; its gradient is shared
     * evenly among the elements equal to it, as {@code reduce_max}'s is.
     */
    Node extremum(Node x, boolean max) {
        Sorted s = new Sorted(x, !max);
        Node last = b.add(s.start, b.sub(back(count), one()));
        Node value = b.node(Op.STOP_GRADIENT, Attrs.Stop.LOWERING, gather(s.values, b.cast(last, DType.I32), dim));
        if (!x.type().dtype().isFloat()) {
            return value;
        }
        /* value + Σ_{x = value} (x − stopgrad(x)) / #{x = value}: the same value, the gradient shared */
        Node finite = b.compare(Op.LT, b.node(Op.ABS, Attrs.NONE, value), b.flit(Double.POSITIVE_INFINITY));
        Node tied = b.node(Op.AND, Attrs.NONE, b.compare(Op.EQ, x, value), finite);
        Node through = b.where(tied, b.sub(x, b.node(Op.STOP_GRADIENT, Attrs.Stop.LOWERING, x)), b.lit(0));
        Node ties = b.arith(Op.MAX, back(scatter(b.cast(tied, DType.F64))), one());
        return b.add(value, b.cast(b.div(back(scatter(b.cast(through, DType.F64))), ties), x.type().dtype()));
    }

    /** The q-quantile of each group by numpy's {@code method}, as the ungrouped quantile. */
    Node quantile(Node x, Node q, String method) {
        Sorted s = new Sorted(x, false);
        Node last = b.cast(b.sub(back(count), one()), DType.I32);
        BuiltinLowering.QuantileAt at = BuiltinLowering.quantileAt(b, q, last, x.type().dtype(), method);
        Node start = b.cast(s.start, DType.I32);
        return at.value(b, i -> gather(s.values, b.add(start, i), dim));
    }

    /** {@code x}'s values sorted by (group, value), and where each element's group starts in them. */
    private final class Sorted {
        final Node values;
        final Node start;

        Sorted(Node x, boolean descending) {
            Node all = widen(x);
            Node byValue = argsort(all, descending);
            Node order = gather(byValue, argsort(gather(keys, byValue, dim), false), dim);
            values = gather(all, order, dim);
            Node through = b.node(Op.SCAN, new Attrs.Scan(ids, false), count, one());
            start = back(b.sub(through, count));
        }
    }

    // ---- the pieces -----------------------------------------------------------------------------

    /** Per group id: Σ of {@code v} (widened to the keys' dimensions) into D′. */
    private Node scatter(Node v) {
        Node all = widen(v);
        List<String> out = all.type().dims().stream().map(d -> d.equals(dim) ? ids : d).toList();
        return b.node(Op.SCATTER_ADD, new Attrs.Scatter(ids, out), all, id);
    }

    /** A per-group value back at each element of its group. */
    private Node back(Node perGroup) {
        return gather(perGroup, id, ids);
    }

    /** {@code v} where {@code mask} is on, else 0 (all of v without a mask). */
    private Node kept(Node v, Node mask) {
        return mask == null ? v : b.where(mask, v, b.lit(0));
    }

    /** {@code v} broadcast to the keys' dimensions too. */
    private Node widen(Node v) {
        List<String> all = TensorType.union(v.type().dims(), keys.type().dims());
        return all.equals(v.type().dims()) ? v : b.node(Op.EXPAND, new Attrs.Dims(all), v);
    }

    private Node argsort(Node v, boolean descending) {
        return b.node(Op.ARGSORT, new Attrs.Argsort(dim, descending), v);
    }

    private Node gather(Node x, Node index, String along) {
        return b.node(Op.GATHER, new Attrs.Dim(along), x, index);
    }

    private Node one() {
        return b.constant(1, DType.F64, false);
    }
}
