package dev.rlo.compiler.types;

import java.util.Locale;

/**
 * The element types of rlo tensors, ordered by promotion: {@code bool < i32 < f32 < f64}
 * (spec/types-and-shapes.md#dtypes).
 */
public enum DType {
    BOOL,
    I32,
    F32,
    F64;

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    /** The larger of two dtypes in the promotion order. */
    public static DType max(DType a, DType b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * {@code v} stored in this dtype: rounded to f32; truncated toward zero for i32 (NaN is 0, and
     * out-of-range values saturate, as Java's conversion does); 0 or 1 for bool.
     */
    public double round(double v) {
        return switch (this) {
            case F64 -> v;
            case F32 -> (float) v;
            case I32 -> (int) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    /** The dtype of a keyword such as {@code f32}. */
    public static DType of(String keyword) {
        return valueOf(keyword.toUpperCase(Locale.ROOT));
    }

    /** The keyword, as written in rlo source. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
