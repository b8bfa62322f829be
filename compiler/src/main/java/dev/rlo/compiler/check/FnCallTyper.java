package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.check.Typed.Value;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.DimSize;
import dev.rlo.compiler.types.TensorType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Types a call to a user fn or objective (spec/types-and-shapes.md#functions). The callee's
 * dimension variables are bound to the caller's dimensions, by name or explicitly with
 * {@code T: L}; an argument's dimensions beyond its parameter's are <em>mapped over</em> and appear
 * in the result, as rlax's {@code vmap} would add them.
 */
final class FnCallTyper {

    private final BodyChecker body;

    FnCallTyper(BodyChecker body) {
        this.body = body;
    }

    Typed call(Expr.Call call, FnDecl callee) {
        FnInfo f = body.session.info(callee, call);
        if (f == null) {
            return Typed.POISON;
        }
        String name = call.callee().name();
        List<String> formals = f.params().stream().map(FnInfo.Param::name).toList();
        Set<String> required = f.params().stream().filter(p -> !p.hyper()).map(FnInfo.Param::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> dimVars = new LinkedHashSet<>(f.dimVars());
        dimVars.removeAll(formals);
        Map<String, Expr> bound = ArgBinder.bind(call, formals, required, dimVars, signature(callee), body.diags);
        if (bound == null) {
            return Typed.POISON;
        }
        Map<String, String> dimMap = new HashMap<>();
        for (String dim : dimVars) {
            if (bound.containsKey(dim)) {
                List<String> target = body.dimArg(bound.get(dim), false, dim);
                if (target == null) {
                    return Typed.POISON;
                }
                dimMap.put(dim, target.getFirst());
            }
        }
        boolean ok = true;
        boolean f64 = false;
        Map<FnInfo.Param, Expr> broadcast = new java.util.LinkedHashMap<>();
        List<String> mapped = List.of();
        Set<String> deps = new HashSet<>();
        Set<String> resultDeps = f.result() instanceof Value r ? r.deps() : Set.of();
        for (FnInfo.Param p : f.params()) {
            Expr e = bound.get(p.name());
            if (e == null) {
                continue;
            }
            if (p.choice()) {
                ok &= body.choiceArg(e, p.choices(), "`" + p.name() + "` of `" + name + "`");
                continue;
            }
            if (p.hyper()) {
                if (positional(call, e) && !body.isConstant(e, p.type().dtype())) {
                    long tensors = f.params().stream().filter(q -> !q.hyper()).count();
                    body.diags.error(Code.E055, e.span(), "`" + name + "` takes " + tensors + " tensor argument"
                            + (tensors == 1 ? "" : "s") + "; this one, given by position, would be its hyper-parameter `" + p.name()
                            + "`, which must be a constant", "its parameters: " + signature(callee)
                            + "; give hyper-parameters by name, e.g. " + p.name() + ": …");
                    ok = false;
                    continue;
                }
                ok &= body.constant(e, p.type().dtype(), p.name(), name);
                continue;
            }
            if (!(body.value(e) instanceof Value v)) {
                ok = false;
                continue;
            }
            if (!accepts(p.type().dtype(), v.type().dtype())) {
                body.diags.error(Code.E030, e.span(), "argument `" + p.name() + "` of `" + name + "` must be "
                        + p.type().dtype() + ", but this is " + v.type());
                ok = false;
                continue;
            }
            f64 |= v.type().dtype() == DType.F64 && !v.type().weak();
            if (v.type().isScalar() && !p.type().isScalar() && body.isConstant(e, p.type().dtype())) {
                broadcast.put(p, e);   /* a constant broadcasts to the parameter's dimensions, bound by the others */
                continue;
            }
            List<String> images = bindDims(name, p, e, v, dimMap);
            if (images == null) {
                return Typed.POISON; /* the other arguments would only repeat the same complaint */
            }
            mapped = TensorType.union(mapped, TensorType.minus(v.type().dims(), images));
            if (resultDeps.contains(p.name())) {
                deps.addAll(v.deps());
            }
        }
        for (Map.Entry<FnInfo.Param, Expr> c : broadcast.entrySet()) {
            for (String d : c.getKey().type().dims()) {
                if (!dimMap.containsKey(d)) {
                    body.diags.error(Code.E043, c.getValue().span(), "cannot bind dimension `" + d + "` of `" + name
                            + "`: the constant given for `" + c.getKey().name() + "` has none, and no other argument binds it",
                            "give `" + c.getKey().name() + "` a tensor with the dimension, or bind it: " + name + "(…, " + d + ": T)");
                    return Typed.POISON;
                }
            }
        }
        if (ok && !sizesMatch(call, name, f, dimMap)) {
            return Typed.POISON;
        }
        if (!ok || !distinctImages(call, name, dimMap) || !disjoint(call, name, mapped, dimMap)
                || !(f.result() instanceof Value r)) {
            return Typed.POISON;
        }
        List<String> dims = TensorType.union(r.type().dims().stream().map(d -> dimMap.getOrDefault(d, d)).toList(), mapped);
        DType dtype = r.type().dtype().isFloat() && f64 ? DType.F64 : r.type().dtype();
        return new Value(new TensorType(dtype, dims, r.type().weak() && mapped.isEmpty()), deps);
    }

    /**
     * A sized dimension of the callee binds a caller dimension declared with the same size (E046):
     * {@code S = 2} with a fixed 2, {@code T1 = T + 1} with one sized by the image of T plus 1.
     */
    private boolean sizesMatch(Expr.Call call, String fn, FnInfo f, Map<String, String> dimMap) {
        for (Map.Entry<String, DimSize> s : f.sizes().entrySet()) {
            String image = dimMap.get(s.getKey());
            if (image == null) {
                continue;
            }
            DimSize want = s.getValue().fixed() ? s.getValue() : new DimSize(dimMap.get(s.getValue().base()), s.getValue().offset());
            DimSize have = body.sizes.get(image);
            if (!want.equals(have)) {
                body.diags.error(Code.E046, call.span(), "`" + fn + "` needs its `" + s.getKey() + "` to be " + s.getValue()
                        + ", so `" + image + "` must be " + want + ", but it is " + (have == null ? "of no declared size" : have),
                        "declare it on a parameter here: `" + image + " = " + want + "`");
                return false;
            }
        }
        return true;
    }

    /** Whether {@code e} is an argument given by position (not by name). */
    private static boolean positional(Expr.Call call, Expr e) {
        return call.args().stream().anyMatch(a -> a.value() == e && a.name() == null);
    }

    /** A float parameter takes any numeric argument; i32 takes i32 or bool; bool takes bool. */
    private static boolean accepts(DType param, DType arg) {
        return param.isFloat() || param == arg || (param == DType.I32 && arg == DType.BOOL);
    }

    /** Binds {@code p}'s dimensions for argument {@code v}; the caller dimensions, or null on error. */
    private List<String> bindDims(String fn, FnInfo.Param p, Expr e, Value v, Map<String, String> dimMap) {
        List<String> images = new java.util.ArrayList<>();
        for (String d : p.type().dims()) {
            String target = dimMap.get(d);
            if (target == null) {
                if (!v.type().has(d)) {
                    body.diags.error(Code.E043, e.span(), "cannot bind dimension `" + d + "` of `" + fn
                            + "`: argument `" + p.name() + "` has dimensions " + TensorType.show(v.type().dims()),
                            bindHint(fn, d, p.name(), v.type().dims()));
                    return null;
                }
                dimMap.put(d, d);
                target = d;
            } else if (!v.type().has(target)) {
                String role = target.equals(d) ? "" : " (its `" + d + "`)";
                body.diags.error(Code.E042, e.span(), "argument `" + p.name() + "` of `" + fn + "` must have dimension `"
                        + target + "`" + role + ", but it has " + TensorType.show(v.type().dims()),
                        "`" + fn + "` declares `" + p.name() + ": " + p.type() + "`");
                return null;
            }
            images.add(target);
        }
        return images;
    }

    /** Every way to bind {@code d}, none preferred: which one is meant is the caller's to say. */
    private static String bindHint(String fn, String d, String param, List<String> have) {
        if (have.isEmpty()) {
            return "`" + param + "` needs a dimension to play `" + d + "`";
        }
        return "say which dimension of `" + param + "` plays `" + d + "` (the others are mapped over): "
                + have.stream().map(h -> fn + "(…, " + d + ": " + h + ")").collect(java.util.stream.Collectors.joining(" or "));
    }

    private boolean distinctImages(Expr.Call call, String fn, Map<String, String> dimMap) {
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, String> e : dimMap.entrySet()) {
            String other = seen.put(e.getValue(), e.getKey());
            if (other != null) {
                body.diags.error(Code.E041, call.span(), "dimensions `" + other + "` and `" + e.getKey() + "` of `"
                        + fn + "` are both bound to `" + e.getValue() + "`");
                return false;
            }
        }
        return true;
    }

    private boolean disjoint(Expr.Call call, String fn, List<String> mapped, Map<String, String> dimMap) {
        for (Map.Entry<String, String> e : dimMap.entrySet()) {
            if (mapped.contains(e.getValue())) {
                body.diags.error(Code.E044, call.span(), "dimension `" + e.getValue() + "` is bound to `" + fn + "`'s `"
                        + e.getKey() + "` but an argument also has it as an extra dimension to map over",
                        "rename the extra dimension first, e.g. x[" + e.getValue() + " -> " + e.getValue() + "2]");
                return false;
            }
        }
        return true;
    }

    /** {@code gae(reward, value, lambda = 0.95)}, as messages show a fn's parameters. */
    static String signature(FnDecl fn) {
        return fn.params().stream()
                .map(p -> p.isHyper() ? p.name().name() + " = " + p.defaultValue().span().text() : p.name().name())
                .collect(Collectors.joining(", ", fn.name().name() + "(", ")"));
    }
}
