package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.DType;
import java.util.List;

/** The attributes of an IR node; which kind each {@link Op} takes is in its comment and spec/ir.md. */
public sealed interface Attrs {

    Attrs NONE = new None();

    /** No attributes. */
    record None() implements Attrs {
        @Override
        public String toString() {
            return "";
        }
    }

    /** The objective input an INPUT node reads. */
    record Input(String name) implements Attrs {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A CONST node's value, stored in the node's dtype; and {@code exact}, the value before an f32
     * rounded it (what {@code --dtype f64} computes with), so that code which picks its float dtype
     * per call, as emitted Python does, holds both.
     */
    record Const(double value, double exact) implements Attrs {
        public Const(double value) {
            this(value, value);
        }

        @Override
        public String toString() {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
        }
    }

    /**
     * One dimension: IOTA, SIZE, ARGMAX, ARGMIN, GATHER. A gather written in the source ({@code
     * q[A = action]}) also knows where ({@code file:line:col}) and how, for its index errors.
     */
    record Dim(String dim, String where, String written) implements Attrs {
        public Dim(String dim) {
            this(dim, null, null);
        }

        /** The error for index {@code i} along this dimension of size {@code n}, located where the source wrote the gather. */
        public String outOfRange(long i, long n) {
            return (where == null ? "" : where + ": ") + "index " + i + " is out of range for dimension " + dim + " of size " + n
                    + (written == null ? "" : ", in `" + written + "`");
        }

        @Override
        public String toString() {
            return dim;
        }
    }

    /** Several dimensions: the reduced ones of SUM … LOGSUMEXP, the result's of EXPAND. */
    record Dims(List<String> dims) implements Attrs {
        public Dims {
            dims = List.copyOf(dims);
        }

        @Override
        public String toString() {
            return "[" + String.join(",", dims) + "]";
        }
    }

    /** SCAN along {@code dim}, from the end when {@code reverse}. */
    record Scan(String dim, boolean reverse) implements Attrs {
        @Override
        public String toString() {
            return dim + (reverse ? " reverse" : "");
        }
    }

    /** SHIFT along {@code dim} by {@code by} places (positive: later). */
    record Shift(String dim, int by) implements Attrs {
        @Override
        public String toString() {
            return dim + " by " + by;
        }
    }

    /** RENAME dimension {@code from} to {@code to}. */
    record Rename(String from, String to) implements Attrs {
        @Override
        public String toString() {
            return from + "->" + to;
        }
    }

    /** CAST to {@code dtype}. */
    record Cast(DType dtype) implements Attrs {
        @Override
        public String toString() {
            return dtype.toString();
        }
    }

    /** POLYGAMMA's order n: 0 is digamma. */
    record Order(int n) implements Attrs {
        @Override
        public String toString() {
            return String.valueOf(n);
        }
    }

    /** ARGSORT along {@code dim}. */
    record Argsort(String dim, boolean descending) implements Attrs {
        @Override
        public String toString() {
            return dim + (descending ? " descending" : "");
        }
    }

    /**
     * STOP_GRADIENT: {@code written} for a {@code stopgrad(…)} of the source, which gradcheck holds at
     * its base-point value; lowering's own (a value identity that routes a gradient) are not.
     */
    record Stop(boolean written) implements Attrs {
        public static final Stop WRITTEN = new Stop(true);
        public static final Stop LOWERING = new Stop(false);

        @Override
        public String toString() {
            return written ? "" : "lowering";
        }
    }

    /** SCATTER_ADD along {@code dim} into a result with dimensions {@code dims}. */
    record Scatter(String dim, List<String> dims) implements Attrs {
        public Scatter {
            dims = List.copyOf(dims);
        }

        @Override
        public String toString() {
            return dim + " into [" + String.join(",", dims) + "]";
        }
    }
}
