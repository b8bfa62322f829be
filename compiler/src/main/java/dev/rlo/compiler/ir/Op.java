package dev.rlo.compiler.ir;

import java.util.Locale;

/**
 * The IR's operations: the compiler's table of contents. spec/ir.md holds the same table (inputs,
 * attributes, shape rule, semantics, gradient rule); {@link TypeRules} implements the shape and
 * dtype rules, {@link IrVerifier} checks them, {@code grad/VjpRules} differentiates each op and each
 * backend evaluates each. Builtins that are not here (softmax, var, quantile, huber, …) are lowered
 * to these ops (spec/ir.md#lowering).
 * <p>
 * Every op works on named dimensions: element-wise ops broadcast by name, reductions and scans name
 * the dimension they work along. Operands of arithmetic ops already have the result's dtype — the
 * lowering inserts every {@link #CAST} — so no backend promotes.
 */
public enum Op {
    // ---- sources: no inputs
    INPUT(0),          // an objective input; attr Input(name)
    CONST(0),          // a scalar constant; attr Const(value)
    IOTA(0),           // 0, 1, …, n-1 along a dimension; attr Dim
    SIZE(0),           // the size of a dimension, as an i32 scalar; attr Dim

    // ---- element-wise, one input
    NEG(1),
    NOT(1),
    ABS(1),
    SIGN(1),
    EXP(1),
    LOG(1),
    LOG1P(1),
    EXPM1(1),
    FLOOR(1),
    CEIL(1),
    SQRT(1),
    TANH(1),
    SIGMOID(1),
    SOFTPLUS(1),       // log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|)
    NORMAL_CDF(1),
    NORMAL_ICDF(1),
    LGAMMA(1),
    POLYGAMMA(1),      // the n-th derivative of digamma; attr Order(n)
    CAST(1),           // attr Cast(dtype)

    // ---- element-wise, two or three inputs, broadcasting by name
    ADD(2),
    SUB(2),
    MUL(2),
    DIV(2),
    POW(2),
    MIN(2),
    MAX(2),
    LT(2),
    LE(2),
    GT(2),
    GE(2),
    EQ(2),
    NE(2),
    AND(2),
    OR(2),
    WHERE(3),          // (cond, a, b)
    CLIP(3),           // (x, lo, hi)

    // ---- reductions over named dimensions; attr Dims (SUM … LOGSUMEXP) or Dim (ARGMAX, ARGMIN)
    SUM(1),
    MEAN(1),
    REDUCE_MAX(1),
    REDUCE_MIN(1),
    LOGSUMEXP(1),
    ARGMAX(1),
    ARGMIN(1),

    // ---- scans
    SCAN(2),           // (x, decay): a_t = x_t + decay_t · a_{t∓1}; attr Scan(dim, reverse)

    // ---- movement
    GATHER(2),         // (x, index): x along a dimension at index; attr Dim
    SCATTER_ADD(2),    // (g, index): the adjoint of GATHER; attr Scatter(dim, dims of the result)
    RENAME(1),         // attr Rename(from, to)
    EXPAND(1),         // broadcast to more dimensions; attr Dims (the result's)
    SHIFT(2),          // (x, fill): x moved along a dimension; attr Shift(dim, by)

    // ---- sorting
    ARGSORT(1),        // the permutation that sorts along a dimension; attr Argsort(dim, descending)

    // ---- gradient control
    STOP_GRADIENT(1);  // the identity, through which no gradient flows; attr Stop(written or from lowering)

    private final int arity;

    Op(int arity) {
        this.arity = arity;
    }

    /** The number of inputs. */
    public int arity() {
        return arity;
    }

    public boolean isSource() {
        return arity == 0;
    }

    /** The name the IR printer and spec/ir.md use: {@code reduce_max}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the element-wise ops, which broadcast their inputs by name. */
    public boolean isElementwise() {
        return compareTo(NEG) >= 0 && compareTo(CLIP) <= 0;
    }

    /** True for comparisons, whose result is bool. */
    public boolean isComparison() {
        return compareTo(LT) >= 0 && compareTo(NE) <= 0;
    }

    /** True for the reductions, SUM … ARGMIN, which remove the dimensions they name. */
    public boolean isReduction() {
        return compareTo(SUM) >= 0 && compareTo(ARGMIN) <= 0;
    }

    /** True for the views (rename, stop_gradient, expand): the fused backends read their input, not a copy. */
    public boolean isView() {
        return this == RENAME || this == STOP_GRADIENT || this == EXPAND;
    }
}
