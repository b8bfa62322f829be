package dev.rlo.compiler.ast;

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
