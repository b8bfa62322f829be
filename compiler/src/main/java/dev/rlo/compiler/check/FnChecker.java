package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ast.Stmt;
import dev.rlo.compiler.ast.TypeExpr;
import dev.rlo.compiler.check.Typed.Value;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.DimSize;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks one fn or objective: its parameters, its body in order, its declared return type and,
 * for an objective, the rules that make it a loss (spec/types-and-shapes.md#objectives): a float
 * scalar result that depends on at least one {@code grad} input.
 */
final class FnChecker {

    private final FnDecl decl;
    private final BodyChecker body;
    private final Diagnostics diags;
    private final List<FnInfo.Param> params = new ArrayList<>();
    private final Set<String> dimVars = new LinkedHashSet<>();
    private final List<FnInfo.Binding> bindings = new ArrayList<>();
    private final java.util.Map<String, DimSize> sizes = new java.util.LinkedHashMap<>();

    FnChecker(FnDecl decl, BodyChecker body) {
        this.decl = decl;
        this.body = body;
        this.diags = body.diags;
    }

    FnInfo check() {
        decl.params().forEach(this::param);
        decl.params().stream().filter(p -> p.type() != null).forEach(p -> p.type().sizes().forEach(this::size));
        body.sizes = java.util.Collections.unmodifiableMap(sizes);
        Set<String> reports = new HashSet<>();
        for (Stmt s : decl.body().stmts()) {
            switch (s) {
                case Stmt.Let let -> let(let);
                case Stmt.Report r -> report(r, reports);
            }
        }
        Typed result = body.value(decl.body().result());
        choices();
        warnings();
        if (result instanceof Value v) {
            result = decl.objective() ? loss(v) : fnResult(v);
        }
        bindings.add(new FnInfo.Binding("result", decl.objective() ? "loss" : "", result, depsNote(result),
                decl.body().result().span()));
        return new FnInfo(decl, params, List.copyOf(dimVars), java.util.Map.copyOf(sizes), result, bindings);
    }

    /** W002 for a parameter named like a dimension of the parameters' types; W003 for a let never read (unless named _…). */
    private void warnings() {
        if (diags.hasErrors()) {
            return;     /* next to an error, a warning is more likely its echo than news */
        }
        Set<String> declared = new LinkedHashSet<>();
        for (Param p : decl.params()) {
            if (p.type() != null) {
                p.type().dims().forEach(d -> declared.add(d.name()));
            }
        }
        for (Param p : decl.params()) {
            if (declared.contains(p.name().name())) {
                diags.warning(Code.W002, p.name().span(), "parameter `" + p.name().name() + "` has the name of a dimension",
                        "values and dimensions are separate namespaces, so this is legal, but `" + p.name().name()
                                + "` now reads as either; rename one");
            }
        }
        for (Stmt s : decl.body().stmts()) {
            if (s instanceof Stmt.Let let && !let.name().name().startsWith("_") && !body.wasRead(let.name().name())
                    && body.local(let.name().name()) != null && body.local(let.name().name()).typed() != Typed.POISON) {
                diags.warning(Code.W003, let.name().span(), "`" + let.name().name() + "` is never used",
                        "remove it, or name it _" + let.name().name() + " to keep it");
            }
        }
    }

    // ---- parameters -----------------------------------------------------------------------------

    private void param(Param p) {
        if (p.isHyper()) {
            hyper(p);
            return;
        }
        TensorType type = type(p.type());
        if (p.grad() && !decl.objective()) {
            diags.error(Code.E065, p.span(), "only objective inputs are marked `grad`",
                    "remove `grad`: a fn is differentiable in every argument its caller differentiates");
        } else if (p.grad() && !type.dtype().isFloat()) {
            diags.error(Code.E064, p.span(), "`" + p.name().name() + "` is " + type + ", which cannot be differentiated",
                    "only f32 and f64 inputs can be marked `grad`");
        }
        dimVars.addAll(type.dims());
        params.add(new FnInfo.Param(p.name().name(), type, false, p.grad()));
        /* only a float can carry a gradient, so only a float input starts a dependency */
        Value v = new Value(type, type.dtype().isFloat() ? Set.of(p.name().name()) : Set.of());
        body.bind(p.name(), v, false);
        List<String> notes = new ArrayList<>(p.grad() ? List.of("grad") : List.of());
        p.type().sizes().forEach(size -> notes.add(size.toString()));
        bindings.add(new FnInfo.Binding("input", p.name().name(), v, notes.isEmpty() ? null : String.join(", ", notes), p.span()));
    }

    private void hyper(Param p) {
        if (p.defaultValue() instanceof Expr.StringLit s) {
            choiceHyper(p, s);
            return;
        }
        TensorType literal = literalType(p.defaultValue());
        TensorType type = p.type() == null ? literal : type(p.type());
        if (literal == null) {
            diags.error(Code.E056, p.defaultValue().span(), "the default of hyper-parameter `" + p.name().name()
                    + "` must be a literal number or bool", "write the value itself, e.g. " + p.name().name() + " = 0.2");
            type = type == null ? TensorType.weakScalar(DType.F32) : type;
        } else if (!type.isScalar()) {
            diags.error(Code.E056, p.type().span(), "hyper-parameter `" + p.name().name() + "` must be a scalar, not "
                    + type, "make it an input without a default: " + p.name().name() + ": " + type);
            type = type.withDims(List.of());
        } else if (p.type() != null && !literalFits(literal.dtype(), type.dtype())) {
            diags.error(Code.E056, p.defaultValue().span(), "the default " + p.defaultValue().span().text()
                    + " of `" + p.name().name() + "` is not " + (type.dtype() == DType.I32 ? "an " : "a ") + type.dtype());
        }
        params.add(new FnInfo.Param(p.name().name(), type, true, false));
        Value v = Value.constant(type);
        body.bind(p.name(), v, true);
        bindings.add(new FnInfo.Binding("hyper", p.name().name(), v, "= " + p.defaultValue().span().text(), p.span()));
    }

    /**
     * A choice hyper-parameter ({@code agg = "token-mean"}): it takes the strings of the places it is
     * passed to, known once the body is checked ({@link #choices}).
     */
    private void choiceHyper(Param p, Expr.StringLit s) {
        if (p.type() != null) {
            diags.error(Code.E056, p.type().span(), "a string hyper-parameter has no written type", "write " + p.name().name()
                    + " = " + s.span().text());
        }
        body.choices.put(p.name().name(), new BodyChecker.Choice(s));
        body.bind(p.name(), Typed.POISON, true);
        params.add(new FnInfo.Param(p.name().name(), TensorType.scalar(DType.I32), true, false, List.of(s.value())));
        bindings.add(new FnInfo.Binding("hyper", p.name().name(), Typed.POISON, "= " + s.span().text(), p.span()));
    }

    /** Each choice hyper-parameter takes what every place it is passed to allows, its default among them (E056). */
    private void choices() {
        body.choices.forEach((name, c) -> {
            int at = params.stream().map(FnInfo.Param::name).toList().indexOf(name);
            String fallback = c.fallback.value();
            if (c.allowed == null) {
                diags.error(Code.E056, c.fallback.span(), "string hyper-parameter `" + name + "` is passed nowhere a string is taken",
                        "pass it to a parameter that takes one of several strings, e.g. quantile(…, method: " + name + ")");
            } else if (!c.allowed.contains(fallback)) {
                diags.error(Code.E056, c.fallback.span(), "the default \"" + fallback + "\" of `" + name + "` is not one of "
                        + c.allowed.stream().map(o -> "\"" + o + "\"").collect(java.util.stream.Collectors.joining(", ")),
                        Suggest.didYouMean(fallback, c.allowed));
            } else {
                params.set(at, new FnInfo.Param(name, TensorType.scalar(DType.I32), true, false, List.copyOf(c.allowed)));
                for (int i = 0; i < bindings.size(); i++) {
                    if (bindings.get(i).kind().equals("hyper") && bindings.get(i).name().equals(name)) {
                        FnInfo.Binding b = bindings.get(i);
                        bindings.set(i, new FnInfo.Binding("hyper", name, b.typed(), "= \"" + fallback + "\", one of "
                                + String.join(", ", c.allowed), b.span()));
                    }
                }
            }
        });
    }

    /** The weak type of a literal default ({@code 0.2}, {@code -1}, {@code true}), or null. */
    private static TensorType literalType(Expr e) {
        Expr inner = e instanceof Expr.Neg n ? n.operand() : e;
        return switch (inner) {
            case Expr.IntLit l -> TensorType.weakScalar(DType.I32);
            case Expr.FloatLit l -> TensorType.weakScalar(DType.F32);
            case Expr.BoolLit l when inner == e -> TensorType.scalar(DType.BOOL);
            default -> null;
        };
    }

    private static boolean literalFits(DType literal, DType declared) {
        return declared.isFloat() ? literal != DType.BOOL : literal == declared;
    }

    /** A written type; reports a dimension written twice (E041) and brings its dimensions into scope. */
    /**
     * A size a parameter's type declares (E045 when misplaced or in conflict): a fixed size of at
     * least 1, or an offset from a dimension of the parameters whose size is not itself declared.
     */
    private void size(TypeExpr.DimSize s) {
        String dim = s.dim().name();
        DimSize rule = new DimSize(s.base() == null ? null : s.base().name(), s.offset());
        if (rule.fixed() && rule.offset() < 1) {
            diags.error(Code.E045, s.span(), "dimension `" + dim + "` must have a size of at least 1, not " + rule.offset());
        } else if (!rule.fixed() && !dimVars.contains(rule.base())) {
            diags.error(Code.E011, s.base().span(), "unknown dimension `" + rule.base() + "`",
                    "a size is relative to a dimension of the parameters: " + TensorType.show(List.copyOf(dimVars)));
        } else if (!rule.fixed() && (rule.base().equals(dim) || sizes.containsKey(rule.base()))) {
            diags.error(Code.E045, s.span(), "dimension `" + dim + "` is sized by `" + rule.base() + "`, whose own size "
                    + (rule.base().equals(dim) ? "it would be" : "is declared"), "size it by a dimension whose size is free");
        } else if (sizes.containsKey(dim) && !sizes.get(dim).equals(rule)) {
            diags.error(Code.E045, s.span(), "dimension `" + dim + "` is declared " + sizes.get(dim) + " and " + rule,
                    "declare one size, on one parameter; the others name the dimension alone");
        } else {
            sizes.put(dim, rule);
        }
    }

    private TensorType type(TypeExpr t) {
        List<String> dims = new ArrayList<>();
        for (Ident d : t.dims()) {
            if (dims.contains(d.name())) {
                diags.error(Code.E041, d.span(), "dimension `" + d.name() + "` appears twice in " + t);
                continue;
            }
            dims.add(d.name());
            body.addDim(d.name());
        }
        return TensorType.of(t.dtype(), dims);
    }

    // ---- statements -----------------------------------------------------------------------------

    private void let(Stmt.Let let) {
        Typed t = body.value(let.value());
        if (let.type() != null) {
            misplacedSizes(let.type());
            for (Ident d : let.type().dims()) {
                if (!body.hasDim(d.name())) {
                    diags.error(Code.E011, d.span(), "unknown dimension `" + d.name() + "`",
                            BodyChecker.dimHint(d.name(), body.dims()));
                    t = Typed.POISON;
                }
            }
            if (t instanceof Value v) {
                t = declared(v, TensorType.of(let.type().dtype(), let.type().dims().stream().map(Ident::name).toList()),
                        let.value(), "`" + let.name().name() + "` is declared");
            }
        }
        body.bind(let.name(), t, false);
        bindings.add(new FnInfo.Binding("let", let.name().name(), t, null, let.span()));
    }

    /** Sizes belong to parameters (E045 in a let's or result's type). */
    private void misplacedSizes(TypeExpr t) {
        for (TypeExpr.DimSize s : t.sizes()) {
            diags.error(Code.E045, s.span(), "only a parameter's type declares a dimension's size",
                    "write `" + s.dim().name() + "` alone here, and its size on the parameter that has it");
        }
    }

    private void report(Stmt.Report r, Set<String> names) {
        Typed t = body.value(r.value());
        if (!decl.objective()) {
            diags.error(Code.E025, r.span(), "`report` is only allowed in an objective",
                    "return the value from the fn, or report it in the objective that calls it");
            return;
        }
        if (!names.add(r.name().name())) {
            diags.error(Code.E015, r.name().span(), "report `" + r.name().name() + "` is already defined");
        }
        bindings.add(new FnInfo.Binding("report", r.name().name(), t, null, r.span()));
    }

    /**
     * {@code v} as the declared type: same dimensions (in any order; the declaration's order is kept)
     * and a dtype {@code v} promotes to. Reports E031 otherwise, and goes on with the declared type —
     * the declaration says what was meant — so that later errors still show.
     */
    private Typed declared(Value v, TensorType want, Expr at, String what) {
        boolean dimsOk = new HashSet<>(v.type().dims()).equals(new HashSet<>(want.dims()));
        if (!dimsOk || !assignable(v.type(), want.dtype())) {
            diags.error(Code.E031, at.span(), what + " " + want + ", but the value is " + v.type(),
                    dimsOk ? null : dimsHint(v.type().dims(), want.dims()));
        }
        return new Value(want, v.deps());
    }

    /** Same dtype, a widening (bool to i32 to f32 to f64), or a weak literal of a fitting kind. */
    private static boolean assignable(TensorType v, DType want) {
        if (v.dtype() == want) {
            return true;
        }
        if (want == DType.BOOL) {
            return false;
        }
        return v.weak() ? want.isFloat() || !v.dtype().isFloat() : v.dtype().compareTo(want) < 0;
    }

    private static String dimsHint(List<String> have, List<String> want) {
        List<String> extra = TensorType.minus(have, want);
        List<String> missing = TensorType.minus(want, have);
        if (!extra.isEmpty()) {
            return "reduce " + TensorType.show(extra) + " away, e.g. mean(…, over: " + extra.getFirst() + ")";
        }
        return "the value lacks " + TensorType.show(missing);
    }

    // ---- results --------------------------------------------------------------------------------

    private Typed fnResult(Value v) {
        if (decl.returnType() != null) {
            misplacedSizes(decl.returnType());
            TensorType want = type(decl.returnType());
            return declared(v, want, decl.body().result(), "`" + decl.name().name() + "` is declared to return");
        }
        List<String> foreign = TensorType.minus(v.type().dims(), List.copyOf(dimVars));
        if (!foreign.isEmpty()) {
            diags.error(Code.E043, decl.body().result().span(), "the result has dimension `" + foreign.getFirst()
                    + "`, which no parameter of `" + decl.name().name() + "` has",
                    "a fn returns only its parameters' dimensions; reduce or rename it back");
            return Typed.POISON;
        }
        return v;
    }

    private Typed loss(Value v) {
        Expr result = decl.body().result();
        if (!v.type().isScalar()) {
            diags.error(Code.E060, result.span(), "the loss must be a scalar, but it has dimensions "
                    + TensorType.show(v.type().dims()), "reduce them, e.g. mean(…, over: " + v.type().dims().getFirst() + ")");
            return Typed.POISON;
        }
        if (!v.type().dtype().isFloat()) {
            diags.error(Code.E061, result.span(), "the loss must be f32 or f64, but it is " + v.type(),
                    "convert it with f32(…)");
            return Typed.POISON;
        }
        List<String> grads = params.stream().filter(FnInfo.Param::grad).map(FnInfo.Param::name).toList();
        if (!grads.isEmpty() && grads.stream().noneMatch(v.deps()::contains)) {
            diags.error(Code.E063, result.span(), "the loss does not depend on " + String.join(", ", grads)
                    + ", so its gradient would be zero", "is a differentiable input inside stopgrad(…) or an index?");
            return Typed.POISON;
        }
        return v;
    }

    private String depsNote(Typed t) {
        if (!(t instanceof Value v) || v.deps().isEmpty()) {
            return null;
        }
        List<String> in = params.stream().map(FnInfo.Param::name).filter(v.deps()::contains)
                .filter(n -> !decl.objective() || params.stream().anyMatch(p -> p.name().equals(n) && p.grad())).toList();
        return in.isEmpty() ? null : "differentiable in " + String.join(", ", in);
    }
}
