package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.check.Builtin.Formal;
import dev.rlo.compiler.check.Builtin.Kind;
import dev.rlo.compiler.check.Typed.Value;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Types a call to a {@link Builtin}, one rule per {@link Builtin.Family} (spec/builtins.md). Arguments
 * are bound and checked by kind first: tensors are typed, dimensions resolved, constants checked.
 */
final class BuiltinTyper {

    private final BodyChecker body;

    BuiltinTyper(BodyChecker body) {
        this.body = body;
    }

    /** The arguments of one call, checked: tensors by name, dimension lists by name. */
    private record Args(Map<String, Value> tensors, Map<String, List<String>> dims, Map<String, Expr> exprs) {

        Value t(String name) {
            return tensors.get(name);
        }

        /** Element-wise result dims: every tensor argument's dimensions, by name. */
        List<String> union() {
            List<String> out = List.of();
            for (Value v : tensors.values()) {
                out = TensorType.union(out, v.type().dims());
            }
            return out;
        }

        /** The promoted dtype of all tensor arguments (spec/types-and-shapes.md#promotion). */
        TensorType promoted() {
            TensorType acc = null;
            for (Value v : tensors.values()) {
                acc = acc == null ? v.type()
                        : new TensorType(TensorType.promote(acc, v.type()), List.of(), acc.weak() && v.type().weak());
            }
            return acc.withDims(union());
        }
    }

    Typed call(Expr.Call call, Builtin b) {
        List<Formal> formals = b.formals();
        Set<String> required = new LinkedHashSet<>();
        formals.stream().filter(f -> !f.optional()).forEach(f -> required.add(f.name()));
        Map<String, Expr> bound = ArgBinder.bind(call, formals.stream().map(Formal::name).toList(), required,
                Set.of(), b.signature(), body.diags);
        if (bound == null) {
            return Typed.POISON;
        }
        Args args = new Args(new LinkedHashMap<>(), new LinkedHashMap<>(), bound);
        Set<String> deps = new HashSet<>();
        boolean ok = true;
        for (Formal f : formals) {
            Expr e = bound.get(f.name());
            if (e == null) {
                continue;
            }
            switch (f.kind()) {
                case TENSOR, DATA -> {
                    if (body.value(e) instanceof Value v) {
                        args.tensors.put(f.name(), v);
                        if (f.kind() == Kind.TENSOR) {
                            deps.addAll(v.deps());
                        }
                    } else {
                        ok = false;
                    }
                }
                case DIM, DIMS -> {
                    List<String> dims = body.dimArg(e, f.kind() == Kind.DIMS, f.name());
                    ok &= dims != null;
                    args.dims.put(f.name(), dims);
                }
                case CHOICE -> ok &= body.choiceArg(e, f.choices(), "`" + f.name() + "` of `" + b.rloName() + "`");
                case INT -> ok &= body.constant(e, DType.I32, f.name(), b.rloName());
                case BOOL -> ok &= body.constant(e, DType.BOOL, f.name(), b.rloName());
            }
        }
        if (!ok) {
            return Typed.POISON;
        }
        TensorType type = type(call, b, args);
        if (type != null && args.t("by") != null) {
            type = grouped(call, b, args, type);
        }
        if (type == null) {
            return Typed.POISON;
        }
        return new Value(type, differentiable(b, type, args) ? deps : Set.of());
    }

    /** Integer, bool and index-valued results carry no gradient, nor does a float cast of one. */
    private static boolean differentiable(Builtin b, TensorType result, Args args) {
        if (!result.dtype().isFloat() || b.family() == Builtin.Family.STOPGRAD) {
            return false;
        }
        return b.family() != Builtin.Family.CAST || args.t("x").type().dtype().isFloat();
    }

    private TensorType type(Expr.Call call, Builtin b, Args a) {
        return switch (b.family()) {
            case FLOAT_MAP -> floating(a.promoted());
            case NUMERIC_MAP -> numeric(a.promoted());
            case WHERE -> requireBool(a, "cond", b) ? a.promoted().withDtype(promote2(a.t("a"), a.t("b"))) : null;
            case MIN_MAX -> minMax(call, b, a);
            case REDUCE_NUMERIC -> numeric(reduce(a));
            case REDUCE_FLOAT -> floating(reduce(a));
            case MASKED -> masked(b, a);
            case AGGREGATE -> {
                if (!requireBool(a, "mask", b)) {
                    yield null;
                }
                TensorType r = reduceDims(new Value(a.t("x").type().withDims(a.union()), Set.of()), a.exprs.get("x"),
                        a.dims.get("over"), a.exprs.get("over"));
                yield r == null ? null : floating(r.withDims(a.t("norm") == null ? List.of() : a.t("norm").type().dims()));
            }
            case ARG -> reduce(a) == null ? null : TensorType.of(DType.I32, reduce(a).dims());
            case QUANTILE -> quantile(b, a);
            case ALONG -> along(b, a);
            case DIMENSION -> dimension(b, a);
            case STOPGRAD -> a.t("x").type();
            case CAST -> a.t("x").type().withDtype(DType.of(b.rloName())).strong();
        };
    }

    private TensorType minMax(Expr.Call call, Builtin b, Args a) {
        boolean pair = a.t("y") != null;
        if (pair && a.dims.containsKey("over")) {
            body.diags.error(Code.E057, call.span(), "`" + b.rloName() + "` takes either two tensors (element-wise)"
                    + " or one tensor and `over:` (a reduction), not both");
            return null;
        }
        return pair ? a.promoted() : reduce(a);
    }

    /**
     * A reduction grouped by i32 keys ({@code by:}, spec/builtins.md#grouped-reductions): it reduces
     * one dimension within each group of equal keys and keeps that dimension, each element taking its
     * group's result; {@code reduced} is the ungrouped result's type, whose dtype it keeps.
     */
    private TensorType grouped(Expr.Call call, Builtin b, Args a, TensorType reduced) {
        List<String> over = a.dims.get("over");
        Expr byExpr = a.exprs.get("by");
        if (over == null || over.size() != 1) {
            body.diags.error(Code.E058, over == null ? call.span() : a.exprs.get("over").span(), "a `" + b.rloName()
                    + "` grouped `by:` keys reduces exactly one dimension, within each group", over == null
                    ? "name it with `over:`, e.g. " + b.rloName() + "(x, over: B, by: group)"
                    : "group one dimension, then reduce the others: e.g. mean(" + b.rloName() + "(x, over: B, by: group), over: L)");
            return null;
        }
        Value keys = a.t("by");
        if (keys.type().dtype() != DType.I32) {
            body.diags.error(Code.E032, byExpr.span(), "the keys `by:` groups with must be i32, but this is " + keys.type(),
                    keys.type().dtype().isFloat() ? "convert them with i32(…)" : null);
            return null;
        }
        if (!body.requireDim(byExpr, keys, identAt(a.exprs.get("over"), over.getFirst()))) {
            return null;
        }
        return reduced.withDims(a.union());
    }

    private TensorType masked(Builtin b, Args a) {
        if (!requireBool(a, "mask", b)) {
            return null;
        }
        TensorType both = a.t("x").type().withDims(a.union());
        TensorType r = reduceDims(new Value(both, Set.of()), a.exprs.get("x"), a.dims.get("over"), a.exprs.get("over"));
        return switch (b) {
            case MASKED_SUM -> numeric(r);
            default -> floating(r);   /* masked max and min too: an empty mask gives ∓∞ */
        };
    }

    private TensorType quantile(Builtin b, Args a) {
        String level = b == Builtin.QUANTILE ? "q" : "alpha";
        String over = a.dims.get("over").getFirst();
        if (a.t(level).type().has(over)) {
            body.diags.error(Code.E041, a.exprs.get(level).span(), "`" + level + "` of `" + b.rloName()
                    + "` must not have dimension `" + over + "`, which it reduces over");
            return null;
        }
        TensorType r = reduce(a);
        if (r == null) {
            return null;
        }
        DType d = TensorType.promote(floating(a.t("x").type()), floating(a.t(level).type()));
        return r.withDims(TensorType.union(r.dims(), a.t(level).type().dims())).withDtype(d);
    }

    private TensorType along(Builtin b, Args a) {
        String over = a.dims.get("over").getFirst();
        Value x = a.t("x");
        if (reduce(a) == null) {
            return null;
        }
        return switch (b) {
            case SOFTMAX, LOG_SOFTMAX -> floating(x.type());
            case MASKED_SOFTMAX, MASKED_LOG_SOFTMAX -> requireBool(a, "mask", b) ? floating(x.type().withDims(a.union())) : null;
            case RANK -> TensorType.of(DType.I32, x.type().dims());
            case TOPK -> TensorType.of(DType.BOOL, x.type().dims());
            case SCAN -> floating(a.promoted());
            case SHIFT -> {
                if (a.t("fill") != null && a.t("fill").type().has(over)) {
                    body.diags.error(Code.E041, a.exprs.get("fill").span(), "`fill` must not have dimension `" + over
                            + "`, which `shift` shifts along");
                    yield null;
                }
                yield a.promoted();
            }
            default -> x.type();
        };
    }

    private TensorType dimension(Builtin b, Args a) {
        String dim = a.dims.get("dim").getFirst();
        return switch (b) {
            case IOTA -> TensorType.of(DType.I32, List.of(dim));
            case SIZE -> TensorType.scalar(DType.I32);
            default -> {
                TensorType index = a.t("index").type();
                if (index.dtype() != DType.I32) {
                    body.diags.error(Code.E032, a.exprs.get("index").span(), "an index must be i32, but this is " + index);
                    yield null;
                }
                if (index.has(dim)) {
                    body.diags.error(Code.E041, a.exprs.get("dim").span(), "the index already has dimension `" + dim + "`");
                    yield null;
                }
                yield TensorType.of(DType.F32, TensorType.union(index.dims(), List.of(dim)));
            }
        };
    }

    // ---- shared rules ---------------------------------------------------------------------------

    /** {@code x} reduced over {@code over}; null after an error. */
    private TensorType reduce(Args a) {
        return reduceDims(a.t("x"), a.exprs.get("x"), a.dims.get("over"), a.exprs.get("over"));
    }

    /** {@code x} without the {@code over} dimensions (all of them when {@code over} is absent). */
    private TensorType reduceDims(Value x, Expr xExpr, List<String> over, Expr overExpr) {
        if (over == null) {
            return x.type().withDims(List.of()).strong();
        }
        for (String d : over) {
            if (!x.type().has(d)) {
                body.requireDim(xExpr, x, identAt(overExpr, d));
                return null;
            }
        }
        return x.type().withDims(TensorType.minus(x.type().dims(), over)).strong();
    }

    /** The identifier for dimension {@code d} inside an {@code over:} argument, for error spans. */
    private static Ident identAt(Expr overExpr, String d) {
        if (overExpr instanceof Expr.ListLit list) {
            for (Expr item : list.items()) {
                if (item instanceof Expr.Name n && n.id().name().equals(d)) {
                    return n.id();
                }
            }
        }
        return ((Expr.Name) overExpr).id();
    }

    private boolean requireBool(Args a, String param, Builtin b) {
        Value v = a.t(param);
        if (v.type().dtype() == DType.BOOL) {
            return true;
        }
        body.diags.error(Code.E030, a.exprs.get(param).span(), "`" + param + "` of `" + b.rloName()
                + "` must be bool, but this is " + v.type(), "compare it first, e.g. x > 0");
        return false;
    }

    private static DType promote2(Value a, Value b) {
        return TensorType.promote(a.type(), b.type());
    }

    private static TensorType floating(TensorType t) {
        return t == null || t.dtype().isFloat() ? t : t.withDtype(DType.F32);
    }

    private static TensorType numeric(TensorType t) {
        return t == null || t.dtype() != DType.BOOL ? t : t.withDtype(DType.I32);
    }
}
