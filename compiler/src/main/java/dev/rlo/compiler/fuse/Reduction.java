package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.numerics.Sums;

/**
 * How a reduction accumulates, once for every target (spec/ir.md#schedule): in f64 slots per output
 * element, two for sums and means (the compensated pair of {@link Sums}: the sum and its rounding
 * errors), for logsumexp (the running max and the sum of e^{x − max}) and for argmax/argmin (the
 * best value and its index), one for max and min. Each step exists twice, kept the same: as numbers
 * (for a host that merges partial results) and as statement text that a target spells
 * ({@link Spelling}) on its lvalues (locals or scratch memory).
 * <p>
 * Partial results are merged in a fixed order, so a run is deterministic; an argmax keeps the
 * smallest index among equal values (parts may see interleaved indices, so merge order alone
 * would not), and a NaN wins over any number.
 */
public enum Reduction {
    SUM, MEAN, MAX, MIN, LOGSUMEXP, ARGMAX, ARGMIN;

    /** The index slot of an empty argmax: above any index, written out as 0. */
    static final double NO_INDEX = 1e300;

    /** How a target writes what the reduction texts use. */
    public interface Spelling {
        /** How a local f64 constant is declared: {@code final double}, {@code const double}. */
        String constant();

        /** An f64 literal. */
        String f64(double v);

        /** The f64 max and min that return NaN if either operand is NaN. */
        String max(String a, String b);

        String min(String a, String b);

        String isNan(String x);

        String exp(String x);

        String log(String x);

        /** {@link Sums#total} and {@link Sums#mean}. */
        String total(String s, String c);

        String mean(String s, String c, String n);
    }

    /** The reduction of a reduction node, or SUM for a scatter-add (which accumulates like one). */
    public static Reduction of(Op op) {
        return switch (op) {
            case SUM, SCATTER_ADD -> SUM;
            case MEAN -> MEAN;
            case REDUCE_MAX -> MAX;
            case REDUCE_MIN -> MIN;
            case LOGSUMEXP -> LOGSUMEXP;
            case ARGMAX -> ARGMAX;
            case ARGMIN -> ARGMIN;
            default -> throw new IllegalArgumentException(op + " is not a reduction");
        };
    }

    /** Scratch slots per output element. */
    public int slots() {
        return this == MAX || this == MIN ? 1 : 2;
    }

    public boolean isArg() {
        return this == ARGMAX || this == ARGMIN;
    }

    /** Each slot's value for an empty reduction. */
    public double[] identity() {
        return switch (this) {
            case SUM, MEAN -> new double[] {0, 0};
            case MAX -> new double[] {Double.NEGATIVE_INFINITY};
            case MIN -> new double[] {Double.POSITIVE_INFINITY};
            case LOGSUMEXP -> new double[] {Double.NEGATIVE_INFINITY, 0};
            case ARGMAX -> new double[] {Double.NEGATIVE_INFINITY, NO_INDEX};
            case ARGMIN -> new double[] {Double.POSITIVE_INFINITY, NO_INDEX};
        };
    }

    // ---- as numbers -----------------------------------------------------------------------------

    /** Merges the partial slots {@code q} into {@code p}, in place; q comes later. */
    public void merge(double[] p, double[] q) {
        switch (this) {
            case SUM, MEAN -> Sums.merge(p, 0, q[0], q[1]);
            case MAX -> p[0] = Math.max(p[0], q[0]);
            case MIN -> p[0] = Math.min(p[0], q[0]);
            case LOGSUMEXP -> {
                double m = Math.max(p[0], q[0]);
                if (m == Double.NEGATIVE_INFINITY || Double.isNaN(m) || m == Double.POSITIVE_INFINITY) {
                    p[1] = Double.isNaN(m) ? Double.NaN : p[1] + q[1];
                } else {
                    p[1] = p[1] * Math.exp(p[0] - m) + q[1] * Math.exp(q[0] - m);
                }
                p[0] = m;
            }
            case ARGMAX, ARGMIN -> {
                boolean better = Double.isNaN(p[0]) ? Double.isNaN(q[0]) && q[1] < p[1]
                        : Double.isNaN(q[0]) || (this == ARGMAX ? q[0] > p[0] : q[0] < p[0]) || q[0] == p[0] && q[1] < p[1];
                if (better) {
                    p[0] = q[0];
                    p[1] = q[1];
                }
            }
        }
    }

    /** The output value from the slots; {@code count} is the number of elements reduced. */
    public double finish(double[] p, double count) {
        return switch (this) {
            case SUM -> Sums.total(p[0], p[1]);
            case MAX, MIN -> p[0];
            case MEAN -> Sums.mean(p[0], p[1], count);
            case LOGSUMEXP -> Double.isFinite(p[0]) ? p[0] + Math.log(p[1]) : p[0];
            case ARGMAX, ARGMIN -> p[1] >= NO_INDEX ? 0 : p[1];
        };
    }

    // ---- as text --------------------------------------------------------------------------------

    /** The identity of slot {@code slot}, as a literal. */
    public String identity(Spelling s, int slot) {
        return s.f64(identity()[slot]);
    }

    /** Statements folding one value {@code v} (at reduced index {@code at}, for an argmax) into the slots p0, p1. */
    public String fold(Spelling s, String p0, String p1, String v, String at) {
        return switch (this) {
            case LOGSUMEXP -> merge(s, p0, p1, v, "(" + v + " == " + s.f64(Double.NEGATIVE_INFINITY) + " ? 0.0 : 1.0)");
            case ARGMAX, ARGMIN -> merge(s, p0, p1, v, "(double) " + at);
            default -> merge(s, p0, p1, v, null);
        };
    }

    /** Statements merging the partial slots q0, q1 into p0, p1 (lvalues), as {@link #merge(double[], double[])}; a sum's q1 may be null. */
    public String merge(Spelling s, String p0, String p1, String q0, String q1) {
        String inf = s.f64(Double.POSITIVE_INFINITY);
        String negInf = s.f64(Double.NEGATIVE_INFINITY);
        return switch (this) {
            /* Knuth's TwoSum: the rounding error of p0 + q0, exactly */
            case SUM, MEAN -> "{ " + s.constant() + " v_ = " + q0 + ", t_ = " + p0 + " + v_, z_ = t_ - " + p0 + "; " + p1 + " += (" + p0
                    + " - (t_ - z_)) + (v_ - z_)" + (q1 == null ? "" : " + " + q1) + "; " + p0 + " = t_; }";
            case MAX -> p0 + " = " + s.max(p0, q0) + ";";
            case MIN -> p0 + " = " + s.min(p0, q0) + ";";
            case LOGSUMEXP -> "{ " + s.constant() + " m_ = " + s.max(p0, q0) + "; if (m_ == " + negInf + " || " + s.isNan("m_") + " || m_ == "
                    + inf + ") { " + p1 + " = " + s.isNan("m_") + " ? " + s.f64(Double.NaN) + " : " + p1 + " + " + q1 + "; } else { " + p1
                    + " = " + p1 + " * " + s.exp(p0 + " - m_") + " + " + q1 + " * " + s.exp(q0 + " - m_") + "; } " + p0 + " = m_; }";
            case ARGMAX, ARGMIN -> "if (" + s.isNan(p0) + " ? (" + s.isNan(q0) + " && " + q1 + " < " + p1 + ") : (" + s.isNan(q0) + " || "
                    + q0 + (this == ARGMAX ? " > " : " < ") + p0 + " || (" + q0 + " == " + p0 + " && " + q1 + " < " + p1 + "))) { "
                    + p0 + " = " + q0 + "; " + p1 + " = " + q1 + "; }";
        };
    }

    /** The output value (f64) from the slots p0, p1; {@code count} is the number of elements reduced. */
    public String finish(Spelling s, String p0, String p1, String count) {
        return switch (this) {
            case SUM -> s.total(p0, p1);
            case MAX, MIN -> p0;
            case MEAN -> s.mean(p0, p1, count);
            case LOGSUMEXP -> "(" + p0 + " == " + s.f64(Double.NEGATIVE_INFINITY) + " || " + p0 + " == " + s.f64(Double.POSITIVE_INFINITY)
                    + " || " + s.isNan(p0) + " ? " + p0 + " : " + p0 + " + " + s.log(p1) + ")";
            case ARGMAX, ARGMIN -> "(" + p1 + " >= " + s.f64(NO_INDEX) + " ? 0.0 : " + p1 + ")";
        };
    }
}
