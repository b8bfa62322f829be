package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.ir.Op;

/**
 * How a reduction accumulates on a device: in f64 slots per output element, as C statements on
 * lvalues (locals, or scratch in device memory). Two slots for sums and means (the compensated pair
 * of {@link dev.rlo.compiler.numerics.Sums}), for logsumexp (the running max and the sum of
 * e^{x − max}) and for argmax/argmin (the best value and its index), one for max and min.
 * <p>
 * Partial results are merged in a fixed order, so a run is deterministic; an argmax keeps the
 * smallest index among equal values (parts see interleaved indices, so merge order alone would not).
 */
enum CReduction {
    SUM, MEAN, MAX, MIN, LOGSUMEXP, ARGMAX, ARGMIN;

    /** The index slot of an empty argmax: above any index, written out as 0. */
    static final String NO_INDEX = "1e300";

    static CReduction of(Buffer b) {
        return switch (b.node().op()) {
            case SUM, SCATTER_ADD -> SUM;
            case MEAN -> MEAN;
            case REDUCE_MAX -> MAX;
            case REDUCE_MIN -> MIN;
            case LOGSUMEXP -> LOGSUMEXP;
            case ARGMAX -> ARGMAX;
            case ARGMIN -> ARGMIN;
            default -> throw new IllegalArgumentException(b.node().op() + " is not a reduction");
        };
    }

    static boolean reduces(Buffer b) {
        return b.node().op() == Op.SCATTER_ADD || b.node().op().isReduction();
    }

    int slots() {
        return this == MAX || this == MIN ? 1 : 2;
    }

    boolean isArg() {
        return this == ARGMAX || this == ARGMIN;
    }

    /** Each slot's value for an empty reduction, as C literals. */
    String[] identity() {
        return switch (this) {
            case SUM, MEAN -> new String[] {"0.0", "0.0"};
            case MAX, ARGMAX -> new String[] {"-RLO_INF_D", NO_INDEX};
            case MIN, ARGMIN -> new String[] {"RLO_INF_D", NO_INDEX};
            case LOGSUMEXP -> new String[] {"-RLO_INF_D", "0.0"};
        };
    }

    /** The identity as numbers, for the host's fill. */
    double[] identityValues() {
        return switch (this) {
            case SUM, MEAN -> new double[] {0, 0};
            case MAX, ARGMAX -> new double[] {Double.NEGATIVE_INFINITY, 1e300};
            case MIN, ARGMIN -> new double[] {Double.POSITIVE_INFINITY, 1e300};
            case LOGSUMEXP -> new double[] {Double.NEGATIVE_INFINITY, 0};
        };
    }

    /** C statements folding one value {@code v} (at reduced index {@code at}, for an argmax) into slots p0, p1. */
    String fold(String p0, String p1, String v, String at) {
        return switch (this) {
            case LOGSUMEXP -> merge(p0, p1, v, "(" + v + " == -RLO_INF_D ? 0.0 : 1.0)");
            case ARGMAX, ARGMIN -> merge(p0, p1, v, "(double) " + at);
            default -> merge(p0, p1, v, null);
        };
    }

    /** C statements merging partial slots q0, q1 into p0, p1 (lvalues); q comes later; a sum's q1 may be null (a single value). */
    String merge(String p0, String p1, String q0, String q1) {
        return switch (this) {
            /* Knuth's TwoSum: the rounding error of p0 + q0, exactly */
            case SUM, MEAN -> "{ const double v_ = " + q0 + ", t_ = " + p0 + " + v_, z_ = t_ - " + p0 + "; " + p1 + " += (" + p0
                    + " - (t_ - z_)) + (v_ - z_)" + (q1 == null ? "" : " + " + q1) + "; " + p0 + " = t_; }";
            case MAX -> p0 + " = rlo_max_d(" + p0 + ", " + q0 + ");";
            case MIN -> p0 + " = rlo_min_d(" + p0 + ", " + q0 + ");";
            case LOGSUMEXP -> "{ const double m_ = rlo_max_d(" + p0 + ", " + q0 + "); if (m_ == -RLO_INF_D || RLO_ISNAN(m_) || m_ == RLO_INF_D) { "
                    + p1 + " = RLO_ISNAN(m_) ? RLO_NAN_D : " + p1 + " + " + q1 + "; } else { " + p1 + " = " + p1 + " * exp(" + p0
                    + " - m_) + " + q1 + " * exp(" + q0 + " - m_); } " + p0 + " = m_; }";
            case ARGMAX, ARGMIN -> "if (RLO_ISNAN(" + p0 + ") ? (RLO_ISNAN(" + q0 + ") && " + q1 + " < " + p1 + ") : (RLO_ISNAN(" + q0
                    + ") || " + q0 + (this == ARGMAX ? " > " : " < ") + p0 + " || (" + q0 + " == " + p0 + " && " + q1 + " < " + p1 + "))) { "
                    + p0 + " = " + q0 + "; " + p1 + " = " + q1 + "; }";
        };
    }

    /** The output value (f64) from the slots; {@code count} is the number of elements reduced. */
    String finish(String p0, String p1, String count) {
        return switch (this) {
            case SUM -> "rlo_total(" + p0 + ", " + p1 + ")";
            case MAX, MIN -> p0;
            case MEAN -> "rlo_mean(" + p0 + ", " + p1 + ", " + count + ")";
            case LOGSUMEXP -> "(" + p0 + " == -RLO_INF_D || " + p0 + " == RLO_INF_D || RLO_ISNAN(" + p0 + ") ? " + p0 + " : " + p0
                    + " + log(" + p1 + "))";
            case ARGMAX, ARGMIN -> "(" + p1 + " >= " + NO_INDEX + " ? 0.0 : " + p1 + ")";
        };
    }
}
