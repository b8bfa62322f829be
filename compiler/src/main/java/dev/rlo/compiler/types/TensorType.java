package dev.rlo.compiler.types;

import dev.rlo.compiler.types.DType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The static type of an rlo value: a dtype and an ordered set of named dimensions, e.g.
 * {@code f32[G,K]}; no dimensions is a scalar. Sizes are not part of the type: a dimension name
 * stands for one size throughout an objective call (spec/types-and-shapes.md#dimensions).
 * <p>
 * A <em>weak</em> type belongs to a literal or an untyped hyper-parameter: it takes the dtype of the
 * operand it meets, as in JAX, so {@code x * 0.5} keeps {@code x}'s f64 (spec/types-and-shapes.md#promotion).
 */
public record TensorType(DType dtype, List<String> dims, boolean weak) {

    public TensorType {
        dims = List.copyOf(dims);
    }

    public static TensorType of(DType dtype, List<String> dims) {
        return new TensorType(dtype, dims, false);
    }

    public static TensorType scalar(DType dtype) {
        return new TensorType(dtype, List.of(), false);
    }

    public static TensorType weakScalar(DType dtype) {
        return new TensorType(dtype, List.of(), true);
    }

    public boolean isScalar() {
        return dims.isEmpty();
    }

    public boolean has(String dim) {
        return dims.contains(dim);
    }

    public TensorType withDtype(DType d) {
        return new TensorType(d, dims, weak);
    }

    public TensorType withDims(List<String> d) {
        return new TensorType(dtype, d, weak);
    }

    public TensorType strong() {
        return weak ? new TensorType(dtype, dims, false) : this;
    }

    /**
     * The dtype two operands meet at (spec/types-and-shapes.md#promotion): the larger of two strong
     * dtypes; a weak operand takes the strong one's dtype, except that a weak float meeting an
     * integer or bool gives f32; two weak operands give a weak result.
     */
    public static DType promote(TensorType a, TensorType b) {
        if (a.weak == b.weak) {
            return DType.max(a.dtype, b.dtype);
        }
        TensorType weakOne = a.weak ? a : b;
        TensorType strongOne = a.weak ? b : a;
        if (weakOne.dtype.isFloat() && !strongOne.dtype.isFloat()) {
            return DType.F32;
        }
        return strongOne.dtype;
    }

    /** Broadcasting by name: this type's dimensions, then the other's that this lacks. */
    public static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** {@code a} without the dimensions in {@code b}, in order. */
    public static List<String> minus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.removeAll(b);
        return List.copyOf(out);
    }

    /** {@code [G, K]}, as diagnostics print a list of dimensions. */
    public static String show(List<String> dims) {
        return "[" + String.join(", ", dims) + "]";
    }

    /** {@code f32[G,K]}, or {@code f32} for a scalar, as written in rlo source. */
    @Override
    public String toString() {
        return dims.isEmpty() ? dtype.toString() : dtype + "[" + String.join(",", dims) + "]";
    }
}
