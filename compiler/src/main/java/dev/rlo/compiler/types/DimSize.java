package dev.rlo.compiler.types;

import java.util.Map;

/**
 * A dimension's declared size (spec/types-and-shapes.md#sized-dimensions): {@code offset} itself when
 * {@code base} is null ({@code S = 2}), else {@code base}'s size plus {@code offset} ({@code T1 = T + 1}).
 */
public record DimSize(String base, long offset) {

    public boolean fixed() {
        return base == null;
    }

    /** The size it gives, from the sizes bound so far; null when its base has none yet. */
    public Long of(Map<String, Long> sizes) {
        if (fixed()) {
            return offset;
        }
        Long b = sizes.get(base);
        return b == null ? null : b + offset;
    }

    /**
     * How much larger dimension {@code from} is than {@code to} by their declared sizes ({@code from =
     * to + k}, or both fixed), or null when the declarations do not say.
     */
    public static Long excess(String from, String to, Map<String, DimSize> sizes) {
        DimSize a = sizes.get(from);
        DimSize b = sizes.get(to);
        if (a != null && !a.fixed() && a.base.equals(to)) {
            return a.offset;
        }
        if (b != null && !b.fixed() && b.base.equals(from)) {
            return -b.offset;
        }
        return a != null && b != null && a.fixed() && b.fixed() ? a.offset - b.offset : null;
    }

    @Override
    public String toString() {
        return fixed() ? String.valueOf(offset) : base + (offset < 0 ? " - " + -offset : " + " + offset);
    }
}
