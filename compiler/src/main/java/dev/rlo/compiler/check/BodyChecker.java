package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.BinaryOp;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.check.Typed.Value;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.DimSize;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Types the expressions of one fn or objective body: names, operators, gathers and renames, and
 * calls (builtins through {@link BuiltinTyper}, fns through {@link FnCallTyper}). It holds the body's
 * scope: the values bound so far and the dimension names in scope (spec/types-and-shapes.md).
 */
final class BodyChecker {

    /** A bound name: a parameter or a {@code let}. */
    record Local(Typed typed, SourceSpan defined, boolean hyper) { }

    final Checker session;
    final ModuleScope module;
    final FnDecl owner;
    final Diagnostics diags;
    private final Map<String, Local> locals = new LinkedHashMap<>();
    private final Set<String> dims = new LinkedHashSet<>();
    /** The choice hyper-parameters of the enclosing fn: their defaults, and the strings their uses allow. */
    final Map<String, Choice> choices = new LinkedHashMap<>();

    /** A choice hyper-parameter: its default; {@code allowed} narrows with each place it is passed to (null: none yet). */
    static final class Choice {
        final Expr.StringLit fallback;
        java.util.Set<String> allowed;

        Choice(Expr.StringLit fallback) {
            this.fallback = fallback;
        }
    }

    /** The sizes the enclosing fn's parameters declare. */
    Map<String, DimSize> sizes = Map.of();
    private final Set<String> read = new java.util.HashSet<>();

    BodyChecker(Checker session, ModuleScope module, FnDecl owner, Diagnostics diags) {
        this.session = session;
        this.module = module;
        this.owner = owner;
        this.diags = diags;
    }

    // ---- scope ----------------------------------------------------------------------------------

    /** Binds {@code name}; reports E015 when the body already binds it. */
    void bind(Ident name, Typed typed, boolean hyper) {
        Local previous = locals.get(name.name());
        if (previous != null) {
            diags.error(Code.E015, name.span(), "`" + name.name() + "` is already defined at line "
                    + previous.defined().line(), "choose another name");
            return;
        }
        locals.put(name.name(), new Local(typed, name.span(), hyper));
    }

    /** Whether the body has read the value named {@code name}. */
    boolean wasRead(String name) {
        return read.contains(name);
    }

    Local local(String name) {
        return locals.get(name);
    }

    void addDim(String dim) {
        dims.add(dim);
    }

    boolean hasDim(String dim) {
        return dims.contains(dim);
    }

    Set<String> dims() {
        return dims;
    }

    // ---- values ---------------------------------------------------------------------------------

    /** The type of {@code e} used as a value. */
    Typed value(Expr e) {
        if (!session.enter(e)) {
            return Typed.POISON;
        }
        try {
            return typeOf(e);
        } finally {
            session.exit();
        }
    }

    private Typed typeOf(Expr e) {
        return switch (e) {
            case Expr.IntLit l -> Value.constant(TensorType.weakScalar(DType.I32));
            case Expr.FloatLit l -> Value.constant(TensorType.weakScalar(DType.F32));
            case Expr.BoolLit l -> Value.constant(TensorType.scalar(DType.BOOL));
            case Expr.StringLit s -> misplaced(s.span(), "a string is only allowed in a train block");
            case Expr.ListLit l -> misplaced(l.span(), "a list is only allowed as `over: [..]` or in a train block");
            case Expr.Name n -> name(n);
            case Expr.Neg n -> negate(n);
            case Expr.Not n -> not(n);
            case Expr.Binary b -> binary(b);
            case Expr.Call c -> call(c);
            case Expr.Index i -> index(i);
        };
    }

    private Typed misplaced(SourceSpan span, String message) {
        diags.error(Code.E024, span, message);
        return Typed.POISON;
    }

    private Typed name(Expr.Name n) {
        String name = n.id().name();
        if (choices.containsKey(name)) {
            read.add(name);
            return misplaced(n.span(), "`" + name + "` is a string hyper-parameter: it is only passed where one of several strings"
                    + " is taken, e.g. mode: " + name);
        }
        Local local = locals.get(name);
        if (local != null) {
            read.add(name);
            return local.typed();
        }
        if (module.defines(name)) {
            module.use(name);
            if (!module.isPoisoned(name)) {
                diags.error(Code.E021, n.span(), "`" + name + "` is a " + module.lookup(name).keyword()
                        + ", not a value", "call it: " + name + "(…)");
            }
            return Typed.POISON;
        }
        if (dims.contains(name)) {
            diags.error(Code.E022, n.span(), "`" + name + "` is a dimension, not a value",
                    "size(" + name + ") is its length and iota(" + name + ") counts 0, 1, … along it");
            return Typed.POISON;
        }
        Builtin builtin = Builtin.lookup(name);
        if (builtin != null) {
            diags.error(Code.E021, n.span(), "`" + name + "` is a builtin function, not a value", "call it: " + builtin.signature());
            return Typed.POISON;
        }
        diags.error(Code.E010, n.span(), "unknown name `" + name + "`", nearest(name, locals.keySet()));
        return Typed.POISON;
    }

    private Typed negate(Expr.Neg n) {
        if (!(value(n.operand()) instanceof Value v)) {
            return Typed.POISON;
        }
        if (v.type().dtype() == DType.BOOL) {
            diags.error(Code.E030, n.span(), "cannot negate a bool", "use `not` for logical negation");
            return Typed.POISON;
        }
        return v;
    }

    private Typed not(Expr.Not n) {
        if (!(value(n.operand()) instanceof Value v)) {
            return Typed.POISON;
        }
        if (v.type().dtype() != DType.BOOL) {
            diags.error(Code.E030, n.operand().span(), "`not` needs a bool, but this is " + v.type(),
                    "compare it first, e.g. x > 0");
            return Typed.POISON;
        }
        return Value.constant(v.type().strong());
    }

    private Typed binary(Expr.Binary b) {
        Typed lt = value(b.left());
        Typed rt = value(b.right());
        if (!(lt instanceof Value l) || !(rt instanceof Value r)) {
            return Typed.POISON;
        }
        List<String> dims = TensorType.union(l.type().dims(), r.type().dims());
        BinaryOp op = b.op();
        if (op.isLogical()) {
            if (!requireBool(op, b.left(), l) || !requireBool(op, b.right(), r)) {
                return Typed.POISON;
            }
            return Value.constant(TensorType.of(DType.BOOL, dims));
        }
        if (op.isComparison()) {
            boolean lb = l.type().dtype() == DType.BOOL;
            boolean rb = r.type().dtype() == DType.BOOL;
            boolean equality = op == BinaryOp.EQ || op == BinaryOp.NE;
            if (lb != rb || (lb && !equality)) {
                diags.error(Code.E030, b.opSpan(), "cannot compare " + l.type() + " with " + r.type()
                        + " using `" + op.symbol() + "`", lb || rb ? "convert the bool with f32(…) first" : null);
                return Typed.POISON;
            }
            return Value.constant(TensorType.of(DType.BOOL, dims));
        }
        DType dtype = TensorType.promote(l.type(), r.type());
        if (op == BinaryOp.DIV || op == BinaryOp.POW) {
            dtype = dtype.isFloat() ? dtype : DType.F32;
        } else if (dtype == DType.BOOL) {
            dtype = DType.I32;
        }
        Set<String> deps = new HashSet<>(l.deps());
        deps.addAll(r.deps());
        return new Value(new TensorType(dtype, dims, l.type().weak() && r.type().weak()), deps);
    }

    private boolean requireBool(BinaryOp op, Expr operand, Value v) {
        if (v.type().dtype() == DType.BOOL) {
            return true;
        }
        diags.error(Code.E030, operand.span(), "`" + op.symbol() + "` needs bool operands, but this is "
                + v.type(), "compare it first, e.g. x > 0");
        return false;
    }

    private Typed index(Expr.Index ix) {
        if (!(value(ix.target()) instanceof Value target)) {
            return Typed.POISON;
        }
        for (Expr.IndexItem item : ix.items()) {
            Typed next = switch (item) {
                case Expr.Gather g -> gather(ix.target(), target, g);
                case Expr.Rename r -> rename(ix.target(), target, r);
            };
            if (!(next instanceof Value v)) {
                return Typed.POISON;
            }
            target = v;
        }
        return target;
    }

    private Typed gather(Expr targetExpr, Value target, Expr.Gather g) {
        Typed it = value(g.index());
        if (!requireDim(targetExpr, target, g.dim()) || !(it instanceof Value index)) {
            return Typed.POISON;
        }
        if (index.type().dtype() != DType.I32) {
            diags.error(Code.E032, g.index().span(), "an index must be i32, but this is " + index.type(),
                    index.type().dtype().isFloat() ? "convert it with i32(…)" : null);
            return Typed.POISON;
        }
        DimSize size = sizes.get(g.dim().name());
        Long at = g.index() instanceof Expr.IntLit l ? Long.valueOf(l.value())
                : g.index() instanceof Expr.Neg n && n.operand() instanceof Expr.IntLit l ? Long.valueOf(-l.value()) : null;
        if (size != null && size.fixed() && at != null && (at < 0 || at >= size.offset())) {
            diags.error(Code.E047, g.index().span(), "index " + at + " is out of range for dimension `" + g.dim().name()
                    + "` of size " + size.offset(), "the indices of `" + g.dim().name() + "` are 0 to " + (size.offset() - 1));
            return Typed.POISON;
        }
        List<String> kept = TensorType.minus(target.type().dims(), List.of(g.dim().name()));
        return new Value(target.type().withDims(TensorType.union(kept, index.type().dims())).strong(), target.deps());
    }

    private Typed rename(Expr targetExpr, Value target, Expr.Rename r) {
        if (!requireDim(targetExpr, target, r.from())) {
            return Typed.POISON;
        }
        String to = r.to().name();
        if (target.type().has(to)) {
            diags.error(Code.E041, r.to().span(), describe(targetExpr) + " already has dimension `" + to + "`",
                    "rename to a dimension name it does not have");
            return Typed.POISON;
        }
        Long excess = DimSize.excess(r.from().name(), to, sizes);
        if (excess != null && excess < 0) {
            diags.error(Code.E046, r.span(), "`" + to + "` is " + -excess + " longer than `" + r.from().name()
                    + "`: a rename can keep the first elements of a longer dimension, not make up more",
                    "rename the longer one to the shorter, e.g. x[" + to + " -> " + r.from().name() + "]");
            return Typed.POISON;
        }
        dims.add(to);
        List<String> renamed = target.type().dims().stream().map(d -> d.equals(r.from().name()) ? to : d).toList();
        return new Value(target.type().withDims(renamed), target.deps());
    }

    /**
     * Reports E011/E040 unless {@code value} has dimension {@code dim}: an unknown name, or one the
     * value lacks, with the nearest dimension it has as a hint.
     */
    boolean requireDim(Expr valueExpr, Value value, Ident dim) {
        String name = dim.name();
        if (value.type().has(name)) {
            return true;
        }
        if (!dims.contains(name)) {
            diags.error(Code.E011, dim.span(), "unknown dimension `" + name + "`", dimHint(name, value.type().dims()));
            return false;
        }
        String near = Suggest.closest(name, value.type().dims());
        diags.error(Code.E040, dim.span(), describe(valueExpr) + " has no dimension `" + name + "`; it has "
                + TensorType.show(value.type().dims()), near == null ? null : "did you mean `" + near + "`?");
        return false;
    }

    /** "did you mean `K`?", or the dimensions there are. */
    static String dimHint(String name, java.util.Collection<String> candidates) {
        String near = Suggest.didYouMean(name, candidates);
        return near != null || candidates.isEmpty() ? near : "the dimensions here are " + TensorType.show(List.copyOf(candidates));
    }

    /** How messages name an operand: {@code `reward`}, or its source text when short. */
    static String describe(Expr e) {
        String text = e.span().text();
        return text.length() <= 32 && !text.contains("\n") ? "`" + text + "`" : "this value";
    }

    /**
     * "Did you mean …?" among {@code names} and the module's names: only for the first
     * {@link Suggest#HINTED_ERRORS} errors, since each search reads every name in scope, which
     * would make checking a file with thousands of unknown names quadratic.
     */
    private String nearest(String name, java.util.Collection<String> names) {
        if (diags.errorCount() >= Suggest.HINTED_ERRORS) {
            return null;
        }
        List<String> candidates = new ArrayList<>(names);
        candidates.addAll(module.names());
        return Suggest.didYouMean(name, candidates);
    }

    // ---- calls ----------------------------------------------------------------------------------

    private Typed call(Expr.Call c) {
        String name = c.callee().name();
        if (locals.containsKey(name)) {
            read.add(name);
            diags.error(Code.E020, c.callee().span(), "`" + name + "` is a value, not a function");
            return Typed.POISON;
        }
        if (module.defines(name)) {
            module.use(name);
            FnDecl callee = module.lookup(name);
            return callee == null ? Typed.POISON : new FnCallTyper(this).call(c, callee);
        }
        Builtin builtin = Builtin.lookup(name);
        if (builtin != null) {
            return new BuiltinTyper(this).call(c, builtin);
        }
        diags.error(Code.E010, c.callee().span(), "unknown function `" + name + "`", nearest(name, Builtin.names()));
        return Typed.POISON;
    }

    /**
     * Resolves a dimension argument such as {@code over: K} or, when {@code many}, {@code over: [E, M]}.
     * Returns {@code null} after reporting an error.
     */
    List<String> dimArg(Expr e, boolean many, String param) {
        if (e instanceof Expr.ListLit list && many && !list.items().isEmpty()) {
            Set<String> out = new LinkedHashSet<>();
            for (Expr item : list.items()) {
                List<String> one = dimArg(item, false, param);
                if (one == null) {
                    return null;
                }
                out.addAll(one);
            }
            return List.copyOf(out);
        }
        if (e instanceof Expr.Name n) {
            String name = n.id().name();
            if (dims.contains(name)) {
                return List.of(name);
            }
            if (locals.containsKey(name)) {
                diags.error(Code.E023, e.span(), "`" + param + "` takes a dimension name, but `" + name + "` is a value");
                return null;
            }
            diags.error(Code.E011, e.span(), "unknown dimension `" + name + "`", dimHint(name, dims));
            return null;
        }
        diags.error(Code.E023, e.span(), "`" + param + "` takes " + (many ? "a dimension name or a list of them" : "one dimension name"),
                "for example `" + param + ": " + (dims.isEmpty() ? "K" : dims.iterator().next()) + "`");
        return null;
    }

    /**
     * Checks an argument where one of {@code options} is taken ({@code what} names the parameter): a
     * string literal among them (E055), or a choice hyper-parameter, whose strings it narrows.
     */
    boolean choiceArg(Expr e, List<String> options, String what) {
        if (e instanceof Expr.Name n && choices.containsKey(n.id().name())) {
            read.add(n.id().name());
            Choice c = choices.get(n.id().name());
            if (c.allowed == null) {
                c.allowed = new java.util.LinkedHashSet<>(options);
            } else {
                c.allowed.retainAll(options);
            }
            return true;
        }
        if (e instanceof Expr.StringLit s && options.contains(s.value())) {
            return true;
        }
        String list = options.stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", "));
        diags.error(Code.E055, e.span(), what + " must be one of " + list, e instanceof Expr.StringLit s
                ? Suggest.didYouMean(s.value(), options) : "a string literal, e.g. \"" + options.getFirst() + "\"");
        return false;
    }

    /**
     * Checks that {@code e} is a compile-time constant of the given kind (spec/types-and-shapes.md#constants).
     */
    boolean constant(Expr e, DType kind, String param, String callee) {
        boolean ok = isConstant(e, kind);
        if (!ok) {
            String what = switch (kind) {
                case BOOL -> "`true`, `false`";
                case I32 -> "an integer literal";
                default -> "a number";
            };
            diags.error(Code.E055, e.span(), "`" + param + "` of `" + callee + "` must be a constant: "
                    + what + ", a hyper-parameter of type " + kind + (kind == DType.BOOL ? "" : ", or arithmetic of them"));
        }
        return ok;
    }

    /**
     * A compile-time constant of the given kind: a literal, a hyper-parameter, or (for numbers) + − ×
     * of them, and for floats ÷ and ** too ({@code beta: eta * beta}, {@code 1 / beta}).
     */
    boolean isConstant(Expr e, DType kind) {
        return switch (e) {
            case Expr.IntLit l -> kind == DType.I32 || kind.isFloat();
            case Expr.FloatLit l -> kind.isFloat();
            case Expr.BoolLit l -> kind == DType.BOOL;
            case Expr.Neg n -> kind != DType.BOOL && isConstant(n.operand(), kind);
            case Expr.Binary b -> switch (b.op()) {
                case ADD, SUB, MUL -> kind != DType.BOOL && isConstant(b.left(), kind) && isConstant(b.right(), kind);
                case DIV, POW -> kind.isFloat() && isConstant(b.left(), kind) && isConstant(b.right(), kind);
                default -> false;
            };
            case Expr.Name n -> {
                Local local = locals.get(n.id().name());
                yield local != null && local.hyper() && local.typed() instanceof Value v
                        && (v.type().dtype() == kind || kind.isFloat() && v.type().dtype() != DType.BOOL);
            }
            default -> false;
        };
    }
}
