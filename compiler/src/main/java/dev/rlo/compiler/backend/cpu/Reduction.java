package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.numerics.Sums;
import java.util.List;

/**
 * How a reduction buffer accumulates: in an f64 scratch buffer ("aux"), one slot per output
 * element, two for sums and means (the compensated pair of {@link Sums}: the sum and its rounding
 * errors) and for logsumexp (the running max and the sum of e^{x − max}), which the kernel code
 * updates and which is finally written to the output in its dtype. The same formulas serve the
 * generated kernels (as Java text) and the host, which merges the per-thread partials.
 */
enum Reduction {
    SUM, MEAN, MAX, MIN, LOGSUMEXP, ARGMAX, ARGMIN;

    static Reduction of(Op op) {
        return switch (op) {
            case SUM -> SUM;
            case MEAN -> MEAN;
            case REDUCE_MAX -> MAX;
            case REDUCE_MIN -> MIN;
            case LOGSUMEXP -> LOGSUMEXP;
            case ARGMAX -> ARGMAX;
            case ARGMIN -> ARGMIN;
            default -> throw new IllegalArgumentException(op + " is not a reduction");
        };
    }

    static Reduction of(Buffer b) {
        return of(b.node().op());
    }

    /** Scratch slots per output element. */
    int slots() {
        return this == MAX || this == MIN || isArg() ? 1 : 2;
    }

    /** The identity of each slot: what an empty reduction starts from. */
    double[] identity() {
        return switch (this) {
            case SUM, MEAN -> new double[] {0, 0};
            case MAX, ARGMAX -> new double[] {Double.NEGATIVE_INFINITY};
            case MIN, ARGMIN -> new double[] {Double.POSITIVE_INFINITY};
            case LOGSUMEXP -> new double[] {Double.NEGATIVE_INFINITY, 0};
        };
    }

    /** Java statements folding value {@code v} into the slots {@code a} (a Java lvalue list). */
    String accumulate(List<String> a, String v, String index, String at) {
        return switch (this) {
            case SUM, MEAN -> twoSum(a.get(0), a.get(1), v);
            case MAX -> a.get(0) + " = Math.max(" + a.get(0) + ", " + v + ");";
            case MIN -> a.get(0) + " = Math.min(" + a.get(0) + ", " + v + ");";
            case LOGSUMEXP -> "if (" + v + " > " + a.get(0) + ") { " + a.get(1) + " = " + a.get(1) + " * Math.exp(" + a.get(0)
                    + " - " + v + ") + 1; " + a.get(0) + " = " + v + "; } else if (" + v + " != Double.NEGATIVE_INFINITY) { "
                    + a.get(1) + " += Math.exp(" + v + " - " + a.get(0) + "); }";
            case ARGMAX, ARGMIN -> "if (!Double.isNaN(" + a.get(0) + ") && (" + v + (this == ARGMAX ? " > " : " < ") + a.get(0)
                    + " || Double.isNaN(" + v + "))) { " + a.get(0) + " = " + v + "; " + index + " = " + at + "; }";
        };
    }

    /** Merges partial slots {@code q} (and index {@code qi}) into {@code p} (and {@code pi}); q comes later. */
    void merge(double[] p, double[] q, int[] pi, int qi) {
        switch (this) {
            case SUM, MEAN -> Sums.merge(p, 0, q[0], q[1]);
            case MAX -> p[0] = Math.max(p[0], q[0]);
            case MIN -> p[0] = Math.min(p[0], q[0]);
            case LOGSUMEXP -> {
                double m = Math.max(p[0], q[0]);
                if (m == Double.NEGATIVE_INFINITY || Double.isNaN(m) || m == Double.POSITIVE_INFINITY) {
                    p[1] = Double.isNaN(m) ? Double.NaN : p[1] + q[1];
                    p[0] = m;
                } else {
                    p[1] = p[1] * Math.exp(p[0] - m) + q[1] * Math.exp(q[0] - m);
                    p[0] = m;
                }
            }
            case ARGMAX, ARGMIN -> {
                boolean better = this == ARGMAX ? q[0] > p[0] : q[0] < p[0];
                if (!Double.isNaN(p[0]) && (better || Double.isNaN(q[0]))) {
                    p[0] = q[0];
                    pi[0] = qi;
                }
            }
        }
    }

    /** The output value from the slots; {@code count} is the number of elements reduced. */
    double finish(double[] slots, double count) {
        return switch (this) {
            case SUM -> Sums.total(slots[0], slots[1]);
            case MAX, MIN -> slots[0];
            case MEAN -> Sums.mean(slots[0], slots[1], count);
            case LOGSUMEXP -> Double.isFinite(slots[0]) ? slots[0] + Math.log(slots[1]) : slots[0];
            case ARGMAX, ARGMIN -> throw new IllegalStateException("an argmax's output is its index");
        };
    }

    /** {@link #finish} as Java text, on slot expressions {@code a}. */
    String finishText(List<String> a, String count) {
        return switch (this) {
            case SUM -> SUMS + ".total(" + a.get(0) + ", " + a.get(1) + ")";
            case MAX, MIN -> a.get(0);
            case MEAN -> SUMS + ".mean(" + a.get(0) + ", " + a.get(1) + ", " + count + ")";
            case LOGSUMEXP -> "(Double.isFinite(" + a.get(0) + ") ? " + a.get(0) + " + Math.log(" + a.get(1) + ") : " + a.get(0) + ")";
            case ARGMAX, ARGMIN -> throw new IllegalStateException("an argmax's output is its index");
        };
    }

    /** Java statements adding {@code v} to the compensated pair (s, c), as {@link Sums#add} does. */
    static String twoSum(String s, String c, String v) {
        return "{ final double v_ = " + v + ", t_ = " + s + " + v_, z_ = t_ - " + s + "; " + c + " += (" + s
                + " - (t_ - z_)) + (v_ - z_); " + s + " = t_; }";
    }

    private static final String SUMS = Sums.class.getSimpleName();

    boolean isArg() {
        return this == ARGMAX || this == ARGMIN;
    }
}
