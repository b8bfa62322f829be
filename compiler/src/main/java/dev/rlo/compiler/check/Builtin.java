package dev.rlo.compiler.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The builtin functions: name, parameters and typing family. spec/builtins.md holds the same table;
 * {@link BuiltinTyper} implements each family's typing rule. User definitions may not reuse these
 * names (E016).
 */
public enum Builtin {
    // ---- element-wise, float result
    EXP(Family.FLOAT_MAP, x()),
    LOG(Family.FLOAT_MAP, x()),
    LOG1P(Family.FLOAT_MAP, x()),
    EXPM1(Family.FLOAT_MAP, x()),
    FLOOR(Family.FLOAT_MAP, req("x", Kind.DATA)),
    CEIL(Family.FLOAT_MAP, req("x", Kind.DATA)),
    SQRT(Family.FLOAT_MAP, x()),
    SIGMOID(Family.FLOAT_MAP, x()),
    LOG_SIGMOID(Family.FLOAT_MAP, x()),
    SOFTPLUS(Family.FLOAT_MAP, x()),
    TANH(Family.FLOAT_MAP, x()),
    NORMAL_CDF(Family.FLOAT_MAP, x()),
    NORMAL_ICDF(Family.FLOAT_MAP, x()),
    LGAMMA(Family.FLOAT_MAP, x()),
    DIGAMMA(Family.FLOAT_MAP, x()),
    HUBER(Family.FLOAT_MAP, x(), opt("delta", Kind.TENSOR, 1.0)),
    BETA_PDF(Family.FLOAT_MAP, x(), req("a", Kind.TENSOR), req("b", Kind.TENSOR)),

    // ---- element-wise, numeric result (bool counts as i32)
    ABS(Family.NUMERIC_MAP, x()),
    SQUARE(Family.NUMERIC_MAP, x()),
    RELU(Family.NUMERIC_MAP, x()),
    SIGN(Family.NUMERIC_MAP, req("x", Kind.DATA)),
    CLIP(Family.NUMERIC_MAP, x(), req("lo", Kind.TENSOR), req("hi", Kind.TENSOR)),
    WHERE(Family.WHERE, req("cond", Kind.DATA), req("a", Kind.TENSOR), req("b", Kind.TENSOR)),

    // ---- min and max: element-wise with two tensors, a reduction with one
    MIN(Family.MIN_MAX, x(), opt("y", Kind.TENSOR, null), opt("over", Kind.DIMS, null), by()),
    MAX(Family.MIN_MAX, x(), opt("y", Kind.TENSOR, null), opt("over", Kind.DIMS, null), by()),

    // ---- reductions over named dimensions (all of them when `over` is left out)
    SUM(Family.REDUCE_NUMERIC, x(), over(), by()),
    MEAN(Family.REDUCE_FLOAT, x(), over(), by()),
    LOGSUMEXP(Family.REDUCE_FLOAT, x(), over()),
    VAR(Family.REDUCE_FLOAT, x(), over(), opt("ddof", Kind.INT, 0L), by()),
    STD(Family.REDUCE_FLOAT, x(), over(), opt("ddof", Kind.INT, 0L), by()),
    MASKED_SUM(Family.MASKED, x(), req("mask", Kind.DATA), over(), by()),
    MASKED_MEAN(Family.MASKED, x(), req("mask", Kind.DATA), over(), by()),
    MASKED_VAR(Family.MASKED, x(), req("mask", Kind.DATA), over(), opt("ddof", Kind.INT, 0L), by()),
    MASKED_STD(Family.MASKED, x(), req("mask", Kind.DATA), over(), opt("ddof", Kind.INT, 0L), by()),
    MASKED_MAX(Family.MASKED, x(), req("mask", Kind.DATA), over(), by()),
    MASKED_MIN(Family.MASKED, x(), req("mask", Kind.DATA), over(), by()),
    MASKED_LOGSUMEXP(Family.MASKED, x(), req("mask", Kind.DATA), over()),
    ARGMAX(Family.ARG, req("x", Kind.DATA), req("over", Kind.DIM)),
    ARGMIN(Family.ARG, req("x", Kind.DATA), req("over", Kind.DIM)),
    QUANTILE(Family.QUANTILE, x(), req("q", Kind.TENSOR), req("over", Kind.DIM), by(),
            choice("method", "linear", "lower", "higher", "nearest")),
    CVAR(Family.QUANTILE, x(), req("alpha", Kind.TENSOR), req("over", Kind.DIM)),

    // ---- along one dimension, keeping it
    SOFTMAX(Family.ALONG, x(), req("over", Kind.DIM)),
    LOG_SOFTMAX(Family.ALONG, x(), req("over", Kind.DIM)),
    MASKED_SOFTMAX(Family.ALONG, x(), req("mask", Kind.DATA), req("over", Kind.DIM)),
    MASKED_LOG_SOFTMAX(Family.ALONG, x(), req("mask", Kind.DATA), req("over", Kind.DIM)),
    SORT(Family.ALONG, x(), req("over", Kind.DIM), opt("descending", Kind.BOOL, false)),
    RANK(Family.ALONG, req("x", Kind.DATA), req("over", Kind.DIM), opt("descending", Kind.BOOL, false)),
    TOPK(Family.ALONG, req("x", Kind.DATA), req("k", Kind.INT), req("over", Kind.DIM)),
    SCAN(Family.ALONG, x(), req("over", Kind.DIM), req("decay", Kind.TENSOR), opt("reverse", Kind.BOOL, false)),
    SHIFT(Family.ALONG, x(), req("over", Kind.DIM), req("by", Kind.INT), opt("fill", Kind.TENSOR, 0L)),

    // ---- dimensions as values
    IOTA(Family.DIMENSION, req("dim", Kind.DIM)),
    SIZE(Family.DIMENSION, req("dim", Kind.DIM)),
    ONE_HOT(Family.DIMENSION, req("index", Kind.DATA), req("dim", Kind.DIM)),

    // ---- gradients and casts
    STOPGRAD(Family.STOPGRAD, req("x", Kind.DATA)),
    F32(Family.CAST, x()),
    F64(Family.CAST, x()),
    I32(Family.CAST, req("x", Kind.DATA)),
    BOOL(Family.CAST, req("x", Kind.DATA));

    /** Typing families; {@link BuiltinTyper} has one rule per family. */
    enum Family { FLOAT_MAP, NUMERIC_MAP, WHERE, MIN_MAX, REDUCE_NUMERIC, REDUCE_FLOAT, MASKED, ARG,
        QUANTILE, ALONG, DIMENSION, STOPGRAD, CAST }

    /**
     * What a parameter takes: a tensor the gradient flows through ({@code TENSOR}), a tensor it does
     * not flow through ({@code DATA}: masks, indices, conditions), one dimension name, a dimension or
     * a list of them, a compile-time constant ({@code INT}, {@code BOOL}: spec/types-and-shapes.md#constants), or
     * one of a few strings ({@code CHOICE}: {@code method: "lower"}).
     */
    public enum Kind { TENSOR, DATA, DIM, DIMS, INT, BOOL, CHOICE }

    /**
     * One parameter; {@code optional} ones have {@code defaultValue} ({@code null}: see the spec); a
     * {@code CHOICE} is a string literal among {@code choices}, the first the default.
     */
    public record Formal(String name, Kind kind, boolean optional, Object defaultValue, List<String> choices) {
        Formal(String name, Kind kind, boolean optional, Object defaultValue) {
            this(name, kind, optional, defaultValue, List.of());
        }
    }

    private static final Map<String, Builtin> BY_NAME = new HashMap<>();

    static {
        for (Builtin b : values()) {
            BY_NAME.put(b.rloName(), b);
        }
    }

    private final Family family;
    private final List<Formal> formals;

    Builtin(Family family, Formal... formals) {
        this.family = family;
        this.formals = List.of(formals);
    }

    /** The builtin called {@code name}, or {@code null}. */
    public static Builtin lookup(String name) {
        return BY_NAME.get(name);
    }

    public static List<String> names() {
        return new ArrayList<>(BY_NAME.keySet());
    }

    /** The name rlo source uses: {@code log_softmax}. */
    public String rloName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    Family family() {
        return family;
    }

    public List<Formal> formals() {
        return formals;
    }

    /** Whether this is a reduction that may be grouped by keys ({@code by:}). */
    public boolean groupable() {
        return formals.stream().anyMatch(f -> f.name.equals("by") && f.kind == Kind.DATA);
    }

    /** {@code std(x, over = all, ddof = 0)}, as error messages and spec/builtins.md show it. */
    public String signature() {
        return formals.stream()
                .map(f -> f.optional ? f.name + " = " + (f.defaultValue == null ? "none" : f.defaultValue) : f.name)
                .map(s -> s.replace("over = none", "over = all"))
                .collect(Collectors.joining(", ", rloName() + "(", ")"));
    }

    private static Formal x() {
        return req("x", Kind.TENSOR);
    }

    private static Formal over() {
        return opt("over", Kind.DIMS, null);
    }

    /** i32 keys that group a reduction's dimension: each element gets its group's result. */
    private static Formal by() {
        return opt("by", Kind.DATA, null);
    }

    private static Formal choice(String name, String... choices) {
        return new Formal(name, Kind.CHOICE, true, "\"" + choices[0] + "\"", List.of(choices));
    }

    private static Formal req(String name, Kind kind) {
        return new Formal(name, kind, false, null);
    }

    private static Formal opt(String name, Kind kind, Object defaultValue) {
        return new Formal(name, kind, true, defaultValue);
    }
}
