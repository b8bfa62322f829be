package dev.rlo.compiler.lower;

import dev.rlo.compiler.ast.BinaryOp;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ast.Stmt;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.check.Checker;
import dev.rlo.compiler.check.FnInfo;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lowering phase's entry point: a checked objective to an IR {@link Graph}, every fn call
 * inlined (spec/ir.md#lowering). Lowering trusts the checker — the program is well typed — so it
 * reports nothing; a broken assumption is a compiler bug and throws.
 * <p>
 * A call inlines the callee's body in a new {@link Frame}: its dimension variables bound to the
 * caller's dimensions, the dimensions its arguments have beyond their parameters' noted as
 * <em>mapped</em> (they ride along through every op, which broadcast by name; "reduce over all"
 * means all but them), and dimensions it introduces by renaming given fresh names if the caller's
 * names are taken.
 * <p>
 * A call of an objective adds the callee's reports to the graph's, named after the callee as the
 * call writes it: {@code ppo_clip.clip_fraction} (spec/syntax.md#report); a second call of the same
 * objective in one body gives {@code ppo_clip#2.clip_fraction}. A fn is transparent: the objectives
 * it calls report as if called where the fn is.
 */
public final class Lowerer {

    final Checker checker;
    final IrBuilder b;
    private final Set<String> knobs;
    private final List<Graph.Input> hyperValues = new ArrayList<>();
    private final Map<String, String> choiceValues = new LinkedHashMap<>();
    private final List<Attrs.Rename> renames = new ArrayList<>();
    private final Set<String> dimsInUse = new HashSet<>();
    private final Map<List<Object>, Groups> groups = new HashMap<>();

    /**
     * A graph whose hyper-parameters are knobs (scalar inputs, {@link Graph.Input#isKnob}) where
     * they can be; {@code hyper} lists every hyper-parameter in declaration order, with its type
     * and value ({@link Graph.Input#knob}): those not among the graph's inputs stayed constants,
     * because a compile-time attribute needs them (a shift distance, std's ddof, topk's k);
     * {@code choices} the strings of the choice hyper-parameters, always fixed when compiled.
     */
    public record Knobbed(Graph graph, List<Graph.Input> hyper, Map<String, String> choices) {
        public Knobbed {
            hyper = List.copyOf(hyper);
            choices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(choices));
        }

        /** Whether hyper-parameter {@code name} stayed a constant. */
        public boolean fixed(String name) {
            return graph.input(name) == null;
        }
    }

    /** Thrown when an attribute needs the value of a knob: lowering starts again with it fixed. */
    private static final class FixedKnobs extends RuntimeException {
        final transient Set<String> names;

        FixedKnobs(Set<String> names) {
            super(null, null, false, false);
            this.names = names;
        }
    }

    /**
     * One body being lowered: its values, its dimension names as graph dimensions, its mapped dims,
     * and where its reports go: the graph's reports, under {@code prefix} ({@code ""} at the top).
     */
    final class Frame {
        final FnDecl fn;
        final Map<String, Node> values = new HashMap<>();
        /** The strings of the body's choice hyper-parameters. */
        final Map<String, String> choices = new HashMap<>();
        final Map<String, String> dims;
        final Set<String> mapped;
        final boolean top;
        final Map<String, Node> reports;
        final String prefix;

        Frame(FnDecl fn, Map<String, String> dims, Set<String> mapped, boolean top, Map<String, Node> reports, String prefix) {
            this.fn = fn;
            this.dims = dims;
            this.mapped = mapped;
            this.top = top;
            this.reports = reports;
            this.prefix = prefix;
        }

        /** The string a choice argument stands for: a literal, or a choice hyper-parameter's. */
        String choice(Expr e) {
            return e instanceof Expr.StringLit s ? s.value() : choices.get(((Expr.Name) e).id().name());
        }

        /** The graph dimension for this body's dimension {@code own}; a new one for a fn's own renames. */
        String dim(String own) {
            return top ? own : dims.computeIfAbsent(own, Lowerer.this::fresh);
        }

        /** The dimensions "over = all" reduces: those of {@code x} that are not mapped over. */
        List<String> all(Node x) {
            return x.type().dims().stream().filter(d -> !mapped.contains(d)).toList();
        }
    }

    private Lowerer(Checker checker, boolean f64, Set<String> knobs) {
        this.checker = checker;
        this.b = new IrBuilder(f64);
        this.knobs = knobs;
    }

    /**
     * Lowers {@code objective}, its hyper-parameters set to {@code hyper} where given and to their
     * defaults otherwise; with {@code f64}, every f32 is computed as f64.
     */
    public static Graph lower(Checker checker, FnDecl objective, Map<String, Double> hyper, boolean f64) {
        return new Lowerer(checker, f64, Set.of()).objective(objective, hyper);
    }

    /**
     * Lowers {@code fn} with its hyper-parameters as knobs, but those an attribute needs at compile
     * time: each such knob met makes lowering start again with it a constant.
     */
    public static Knobbed lowerWithKnobs(Checker checker, FnDecl fn, Map<String, Double> hyper, boolean f64) {
        Set<String> knobs = new HashSet<>();
        checker.info(fn).params().stream().filter(FnInfo.Param::hyper).forEach(p -> knobs.add(p.name()));
        while (true) {
            Lowerer l = new Lowerer(checker, f64, Set.copyOf(knobs));
            try {
                Graph g = l.objective(fn, hyper);
                return new Knobbed(g, l.hyperValues, l.choiceValues);
            } catch (FixedKnobs e) {
                knobs.removeAll(e.names);
            }
        }
    }

    /** The value of {@code n}, which a compile-time attribute needs: a constant, unless it depends on knobs. */
    double constant(Node n) {
        if (n.isConst()) {
            return n.constValue();
        }
        Set<String> from = new HashSet<>();
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(n));
        while (!todo.isEmpty()) {
            Node x = todo.pop();
            if (x.op() == Op.INPUT && knobs.contains(x.attrs(Attrs.Input.class).name())) {
                from.add(x.attrs(Attrs.Input.class).name());
            }
            todo.addAll(x.inputs());
        }
        if (from.isEmpty()) {
            throw new IllegalStateException("an attribute's value is not a constant: " + n);
        }
        throw new FixedKnobs(from);
    }

    private Graph objective(FnDecl fn, Map<String, Double> hyper) {
        FnInfo info = checker.info(fn);
        Map<String, Node> reports = new LinkedHashMap<>();
        Frame top = new Frame(fn, new HashMap<>(), Set.of(), true, reports, "");
        collectTopDims(fn, info);
        List<Graph.Input> inputs = new ArrayList<>();
        for (FnInfo.Param p : info.params()) {
            Param decl = param(fn, p.name());
            if (p.choice()) {
                top.choices.put(p.name(), hyper.containsKey(p.name()) ? p.choices().get(hyper.get(p.name()).intValue())
                        : ((Expr.StringLit) decl.defaultValue()).value());
                choiceValues.put(p.name(), top.choices.get(p.name()));
                continue;
            }
            if (p.hyper()) {
                Node value = hyper.containsKey(p.name())
                        ? b.constant(hyper.get(p.name()), p.type().dtype(), p.type().weak())
                        : hyperValue(top, decl, p);
                if (!value.isConst()) {
                    throw new IllegalStateException("the default of " + p.name() + " is not a constant");
                }
                Graph.Input knob = new Graph.Input(p.name(), TensorType.scalar(b.dtype(value.type().dtype())), false, value.exactValue());
                hyperValues.add(knob);
                if (knobs.contains(p.name())) {
                    inputs.add(knob);
                    value = b.input(p.name(), knob.type());
                }
                top.values.put(p.name(), value);
            } else {
                Node in = b.input(p.name(), p.type());
                inputs.add(new Graph.Input(p.name(), in.type(), p.grad()));
                top.values.put(p.name(), in);
            }
        }
        Map<Output, Node> outputs = new LinkedHashMap<>();
        Node loss = body(top, fn);
        outputs.put(fn.objective() ? Output.LOSS : Output.RESULT, strong(loss));
        reports.forEach((name, n) -> outputs.put(Output.report(name), strong(n)));
        return new Graph(fn.name().name(), inputs, outputs, renames, info.sizes());
    }

    /** The objective's own dimension names, so that a fn's renames never take one of them. */
    private void collectTopDims(FnDecl fn, FnInfo info) {
        info.params().forEach(p -> dimsInUse.addAll(p.type().dims()));
        for (FnInfo.Binding binding : info.bindings()) {
            if (binding.typed() instanceof dev.rlo.compiler.check.Typed.Value v) {
                dimsInUse.addAll(v.type().dims());
            }
        }
    }

    private String fresh(String dim) {
        String name = dim;
        for (int i = 2; dimsInUse.contains(name); i++) {
            name = dim + i;
        }
        dimsInUse.add(name);
        return name;
    }

    // ---- bodies ---------------------------------------------------------------------------------

    /** Lowers a body's statements and returns its result; its reports go to the frame's. */
    Node body(Frame f, FnDecl fn) {
        for (Stmt s : fn.body().stmts()) {
            switch (s) {
                case Stmt.Let let -> {
                    Node v = expr(f, let.value());
                    f.values.put(let.name().name(), let.type() == null ? v : b.cast(v, b.dtype(let.type().dtype())));
                }
                case Stmt.Report r -> f.reports.put(f.prefix + r.name().name(), expr(f, r.value()));
            }
        }
        Node result = expr(f, fn.body().result());
        return fn.returnType() == null ? result : b.cast(result, b.dtype(fn.returnType().dtype()));
    }

    /** A value with a weak type made concrete: ints as i32, floats as the default float. */
    private Node strong(Node n) {
        if (!n.type().weak()) {
            return n;
        }
        return b.cast(n, n.type().dtype().isFloat() ? b.defaultFloat() : n.type().dtype());
    }

    // ---- expressions ----------------------------------------------------------------------------

    Node expr(Frame f, Expr e) {
        return switch (e) {
            case Expr.IntLit l -> b.lit(l.value());
            case Expr.FloatLit l -> b.flit(l.value());
            case Expr.BoolLit l -> b.constant(l.value() ? 1 : 0, DType.BOOL, false);
            case Expr.Name n -> value(f, n.id().name());
            case Expr.Neg n -> negate(expr(f, n.operand()));
            case Expr.Not n -> b.node(Op.NOT, Attrs.NONE, expr(f, n.operand()));
            case Expr.Binary bin -> binary(f, bin);
            case Expr.Call c -> call(f, c);
            case Expr.Index ix -> index(f, ix);
            case Expr.StringLit s -> throw new IllegalStateException("a string reached lowering: " + s.span());
            case Expr.ListLit l -> throw new IllegalStateException("a list reached lowering: " + l.span());
        };
    }

    private Node value(Frame f, String name) {
        Node n = f.values.get(name);
        if (n == null) {
            throw new IllegalStateException("unbound name " + name + " in " + f.fn.name().name());
        }
        return n;
    }

    Node negate(Node x) {
        return x.isConst() ? b.constant(-x.constValue(), -x.exactValue(), x.type().dtype(), x.type().weak()) : b.node(Op.NEG, Attrs.NONE, x);
    }

    private Node binary(Frame f, Expr.Binary bin) {
        Node l = expr(f, bin.left());
        Node r = expr(f, bin.right());
        BinaryOp op = bin.op();
        return switch (op) {
            case ADD -> b.arith(Op.ADD, l, r);
            case SUB -> b.arith(Op.SUB, l, r);
            case MUL -> b.arith(Op.MUL, l, r);
            case DIV -> b.arith(Op.DIV, l, r);
            case POW -> b.arith(Op.POW, l, r);
            case LT -> b.compare(Op.LT, l, r);
            case LE -> b.compare(Op.LE, l, r);
            case GT -> b.compare(Op.GT, l, r);
            case GE -> b.compare(Op.GE, l, r);
            case EQ -> b.compare(Op.EQ, l, r);
            case NE -> b.compare(Op.NE, l, r);
            case AND -> b.node(Op.AND, Attrs.NONE, l, r);
            case OR -> b.node(Op.OR, Attrs.NONE, l, r);
        };
    }

    private Node index(Frame f, Expr.Index ix) {
        Node x = expr(f, ix.target());
        for (Expr.IndexItem item : ix.items()) {
            x = switch (item) {
                case Expr.Gather g -> b.node(Op.GATHER, new Attrs.Dim(f.dim(g.dim().name()), ix.span().file().path() + ":"
                        + ix.span().line() + ":" + ix.span().column(), ix.span().text()), x, b.cast(expr(f, g.index()), DType.I32));
                case Expr.Rename r -> {
                    Long excess = dev.rlo.compiler.types.DimSize.excess(r.from().name(), r.to().name(), checker.info(f.fn).sizes());
                    /* to a shorter dimension its declared sizes relate: the first elements, by a gather of iota */
                    yield excess != null && excess > 0
                            ? b.node(Op.GATHER, new Attrs.Dim(f.dim(r.from().name())), x, b.node(Op.IOTA, new Attrs.Dim(f.dim(r.to().name()))))
                            : rename(x, f.dim(r.from().name()), f.dim(r.to().name()));
                }
            };
        }
        return x;
    }

    /** A new dimension of {@code dim}'s size (recorded as a rename, which gives it that size). */
    String copyOf(String dim) {
        String to = fresh(dim + "_groups");
        renames.add(new Attrs.Rename(dim, to));
        return to;
    }

    /** The grouping of {@code dim} by {@code keys}, made once per graph for each pair. */
    Groups groups(Node keys, String dim) {
        return groups.computeIfAbsent(List.of(keys, dim), k -> new Groups(this, keys, dim));
    }

    /** A RENAME, recording where the new dimension takes its size from. */
    Node rename(Node x, String from, String to) {
        Attrs.Rename r = new Attrs.Rename(from, to);
        if (!renames.contains(r)) {
            renames.add(r);
        }
        return b.node(Op.RENAME, r, x);
    }

    // ---- calls ----------------------------------------------------------------------------------

    private Node call(Frame f, Expr.Call c) {
        String name = c.callee().name();
        FnDecl callee = checker.callee(f.fn, name);
        if (callee != null) {
            return inline(f, c, callee);
        }
        Builtin builtin = Builtin.lookup(name);
        if (builtin == null) {
            throw new IllegalStateException("unknown callee " + name);
        }
        return new BuiltinLowering(this, f).call(c, builtin);
    }

    /** Inlines a call of a fn or objective: binds its dimensions and parameters, lowers its body. */
    private Node inline(Frame caller, Expr.Call c, FnDecl fn) {
        FnInfo info = checker.info(fn);
        Map<String, Expr> args = bind(c, info.params().stream().map(FnInfo.Param::name).toList());
        Map<String, String> dims = new HashMap<>();
        for (String v : info.dimVars()) {
            if (args.containsKey(v) && info.param(v) == null) {
                dims.put(v, caller.dim(((Expr.Name) args.get(v)).id().name()));
            }
        }
        Set<String> mapped = new HashSet<>();
        Map<FnInfo.Param, Node> constants = new java.util.LinkedHashMap<>();
        Frame callee = new Frame(fn, dims, mapped, false, caller.reports,
                fn.objective() ? reportPrefix(caller, c.callee().name()) : caller.prefix);
        for (FnInfo.Param p : info.params()) {
            Expr arg = args.get(p.name());
            if (p.choice()) {
                callee.choices.put(p.name(), arg == null ? ((Expr.StringLit) param(fn, p.name()).defaultValue()).value() : caller.choice(arg));
                continue;
            }
            if (p.hyper()) {
                callee.values.put(p.name(), arg != null ? hyperArg(expr(caller, arg), p) : hyperValue(callee, param(fn, p.name()), p));
                continue;
            }
            Node v = expr(caller, arg);
            DType want = p.type().dtype();
            if (want.isFloat() ? !v.type().dtype().isFloat() : v.type().dtype() != want) {
                v = b.cast(v, b.dtype(want));
            }
            if (v.isConst() && !p.type().isScalar()) {
                constants.put(p, v);   /* broadcast once the other arguments have bound its dimensions */
                continue;
            }
            List<String> images = new ArrayList<>();
            for (String d : p.type().dims()) {
                images.add(dims.computeIfAbsent(d, caller::dim));
            }
            v.type().dims().stream().filter(d -> !images.contains(d)).forEach(mapped::add);
            callee.values.put(p.name(), v);
        }
        constants.forEach((p, v) -> callee.values.put(p.name(),
                b.node(Op.EXPAND, new Attrs.Dims(p.type().dims().stream().map(dims::get).toList()), b.cast(v, b.dtype(p.type().dtype())))));
        return body(callee, fn);
    }

    /** {@code name.} under the caller's prefix, numbered {@code name#2.}, … when a call before took it. */
    private static String reportPrefix(Frame caller, String name) {
        String base = caller.prefix + name;
        String prefix = base + ".";
        for (int i = 2; taken(caller.reports, prefix); i++) {
            prefix = base + "#" + i + ".";
        }
        return prefix;
    }

    private static boolean taken(Map<String, Node> reports, String prefix) {
        return reports.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** Arguments by parameter name: positional ones in order, then named ones. */
    static Map<String, Expr> bind(Expr.Call c, List<String> formals) {
        Map<String, Expr> args = new HashMap<>();
        int i = 0;
        for (Expr.Arg a : c.args()) {
            args.put(a.name() == null ? formals.get(i++) : a.name().name(), a.value());
        }
        return args;
    }

    private Node hyperValue(Frame f, Param decl, FnInfo.Param p) {
        return hyperArg(expr(f, decl.defaultValue()), p);
    }

    /** A hyper-parameter's constant, strong in its written type or weak when it has none. */
    private Node hyperArg(Node value, FnInfo.Param p) {
        return p.type().weak() ? value : b.cast(value, b.dtype(p.type().dtype()));
    }

    private static Param param(FnDecl fn, String name) {
        return fn.params().stream().filter(p -> p.name().name().equals(name)).findFirst().orElseThrow();
    }
}
