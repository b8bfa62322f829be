package dev.rlo.cli.repl;

import dev.rlo.cli.registry.Backends;
import dev.rlo.cli.registry.Emit;
import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.parse.ReplInput;
import dev.rlo.compiler.parse.ReplValue;
import dev.rlo.compiler.parse.SourceParser;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.tensor.TensorText;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A REPL session (spec/cli.md#repl): bindings of names to tensors, imports, fns and objectives typed
 * in or loaded from files, and a backend. {@link #handle} takes one complete input — a command, an
 * import, a definition, a {@code let} or an expression — and returns what to print.
 * <p>
 * Inputs are parsed by the grammar in REPL mode ({@link SourceParser#parseRepl}), where random,
 * constant, literal and loaded tensors are expressions that stand for hidden names. An expression is
 * evaluated as the report of a probe objective written after the session's imports and definitions,
 * whose parameters are the bindings it mentions and those tensors; its diagnostics are moved back
 * onto the text the user typed, so errors point at the input, with the same codes and carets as
 * {@code rlo check}.
 */
public final class Session {

    /** What to print after an input, and whether the session is over. */
    public record Reply(String text, boolean quit, boolean error) {
        Reply(String text, boolean quit) {
            this(text, quit, false);
        }
    }

    /** A piece of text the user typed: where a probe's diagnostics are shown. */
    private record Typed(String text, SourceFile origin, int start) {
        static Typed of(SourceSpan span) {
            return new Typed(span.text(), span.file(), span.start());
        }
    }

    /** A parsed expression and the tensors made from nothing in it. */
    private record Expression(Expr expr, List<ReplValue> values) {
        Typed typed() {
            return Typed.of(expr.span());
        }
    }

    private static final int TENSOR_LIMIT = 64;

    private final Map<String, Tensor> bindings = new LinkedHashMap<>();
    private final List<Typed> imports = new ArrayList<>();
    private final Map<String, FnDecl> definitions = new LinkedHashMap<>();
    /** Each :load'ed file and the fns and objectives it had when (re)loaded: what the probes import. */
    private final Map<Path, List<String>> loaded = new LinkedHashMap<>();
    private final List<Path> libraryPath;
    private final Path dir;
    private Backends backendKind = Backends.cpu;
    private Backend backend = backendKind.create(null);

    public Session(Path dir, List<Path> libraryPath) {
        this.dir = dir;
        this.libraryPath = new ArrayList<>(libraryPath);
    }

    /** Handles one complete input; errors are returned as text, never thrown. */
    public Reply handle(String input) {
        SourceFile origin = new SourceFile("repl", input);
        try {
            if (input.strip().startsWith(":")) {
                return command(origin);
            }
            return new Reply(statement(parse(origin)), false);
        } catch (Shown e) {
            return new Reply(e.text, false, true);
        } catch (Compiler.CheckFailed e) {
            return new Reply(e.diagnostics().toText(), false, true);    /* a loaded file that no longer checks */
        } catch (java.io.UncheckedIOException e) {
            return new Reply("error: " + e.getCause().getMessage() + "\n", false, true);
        } catch (UserError e) {
            return new Reply("error: " + e.getMessage() + "\n", false, true);
        } catch (java.util.concurrent.CancellationException e) {
            return new Reply("interrupted\n", false, true);
        }
    }

    private static ReplInput parse(SourceFile origin) {
        Diagnostics d = new Diagnostics();
        ReplInput in = SourceParser.parseRepl(origin, d);
        if (d.hasErrors()) {
            throw Shown.of(d);
        }
        return in;
    }

    // ---- statements --------------------------------------------------------------------------------

    private String statement(ReplInput input) {
        return switch (input) {
            case ReplInput.Empty e -> "";
            case ReplInput.Imports i -> {
                Typed t = Typed.of(i.decl().span());
                imports.add(t);
                try {
                    check();
                } catch (RuntimeException e) {
                    imports.remove(t);
                    throw e;
                }
                yield "";
            }
            case ReplInput.Definition d -> define(d);
            case ReplInput.Let l -> {
                String name = l.name().name();
                if (name.startsWith("_")) {
                    throw Shown.at(l.name().span(), "names that begin with _ are the REPL's own", "choose another name");
                }
                Run r = evaluate(new Expression(l.value(), l.values()), null);
                bindings.put(name, r.value());
                yield name + ": " + TensorText.format(r.value(), TENSOR_LIMIT) + "\n" + r.reports();
            }
            case ReplInput.Eval e -> {
                Run r = evaluate(new Expression(e.value(), e.values()), null);
                yield TensorText.format(r.value(), TENSOR_LIMIT) + "\n" + r.reports();
            }
        };
    }

    private String define(ReplInput.Definition d) {
        if (!d.values().isEmpty()) {
            ReplValue v = d.values().getFirst();
            throw Shown.at(v.span(), "a tensor made from nothing belongs in an expression or a let, not in a definition",
                    "bind it with let, then pass it as an argument");
        }
        FnDecl fn = d.decl();
        String name = fn.name().name();
        FnDecl previous = definitions.put(name, fn);
        try {
            check();
        } catch (RuntimeException e) {
            if (previous == null) {
                definitions.remove(name);
            } else {
                definitions.put(name, previous);
            }
            throw e;
        }
        return "defined " + fn.keyword() + " " + name + "\n";
    }

    /** An evaluated expression: the value, and the reports of objectives it called, as text. */
    private record Run(Tensor value, String reports, Map<String, Tensor> grads) { }

    private Run evaluate(Expression e, String wrt) {
        if (wrt == null && e.values().size() == 1 && e.expr() instanceof Expr.Name n && n.id().name().equals(e.values().getFirst().name())) {
            return new Run(Values.of(e.values().getFirst(), dir), "", Map.of());    /* a bare REPL value needs no probe */
        }
        Probe p = probe(e, wrt);
        CompiledObjective o = compile(p).compile("_repl", Map.of(), false, backend);
        CompiledObjective.Result r = o.run(p.inputs);
        StringBuilder reports = new StringBuilder();
        r.reports().forEach((name, t) -> {
            if (!name.equals("value")) {
                reports.append("report ").append(name).append(": ").append(TensorText.format(t, TENSOR_LIMIT)).append('\n');
            }
        });
        return new Run(r.reports().get("value"), reports.toString(), r.grads());
    }

    /** Checks the session's imports and definitions together, as every probe will see them. */
    private void check() {
        compile(probe(null, null));
    }

    // ---- commands ----------------------------------------------------------------------------------

    static final List<String> COMMANDS = List.of(":type", ":grad", ":ir", ":plan", ":kernels", ":time", ":plot", ":save",
            ":backend", ":load", ":reload", ":env", ":help", ":quit");

    /** The words {@code :kernels EXPR [WORD]} takes: the kinds of {@code --emit} that are a backend's kernels, the first by default. */
    private static final String KERNELS = "[" + String.join("|", Emit.kernelSources().stream().map(Emit::name).toList()) + "]";

    private static final Set<String> EXPRESSION_COMMANDS = Set.of(":type", ":grad", ":ir", ":plan", ":kernels", ":time", ":plot");

    private Reply command(SourceFile origin) {
        String line = origin.text().strip();
        int space = line.indexOf(' ');
        String name = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? "" : line.substring(space + 1).strip();
        if (EXPRESSION_COMMANDS.contains(name)) {
            if (arg.isEmpty()) {
                throw new UserError("usage: " + usage(name));
            }
            return new Reply(expressionCommand(name, origin), false);
        }
        String out = switch (name) {
            case ":quit", ":q", ":exit" -> null;
            case ":help" -> help(origin);
            case ":save" -> save(arg);
            case ":backend" -> backend(arg);
            case ":load" -> load(arg);
            case ":reload" -> reload();
            case ":env" -> env();
            default -> throw new UserError("unknown command " + name + "; the commands are " + String.join(" ", COMMANDS));
        };
        return out == null ? new Reply("", true) : new Reply(out, false);
    }

    private static String usage(String command) {
        return switch (command) {
            case ":grad" -> ":grad EXPR wrt NAME";
            case ":kernels" -> ":kernels EXPR " + KERNELS;
            default -> command + " EXPR";
        };
    }

    /** A command whose argument is an expression, parsed with it: {@code :grad EXPR wrt NAME} and the like. */
    private String expressionCommand(String name, SourceFile origin) {
        Diagnostics d = new Diagnostics();
        ReplInput.Eval in = SourceParser.parseReplCommand(origin, d);
        if (d.hasErrors()) {
            throw Shown.of(d);
        }
        Expression e = new Expression(in.value(), in.values());
        List<String> words = in.words().stream().map(Ident::name).toList();
        boolean fits = switch (name) {
            case ":grad" -> words.size() == 2 && words.getFirst().equals("wrt");
            case ":kernels" -> words.isEmpty() || words.size() == 1 && Emit.kernelSources().stream().anyMatch(k -> k.name().equals(words.getFirst()));
            default -> words.isEmpty();
        };
        if (!fits) {
            throw new UserError("usage: " + usage(name));
        }
        return switch (name) {
            case ":type" -> compile(probe(e, null)).graph("_repl", Map.of(), false, false).output(Output.report("value")).type()
                    + "\n";
            case ":grad" -> grad(e, words.get(1));
            case ":ir" -> Emit.ir.render(forward(e));
            case ":plan" -> Emit.plan.render(forward(e)) + "\n";
            case ":kernels" -> (words.isEmpty() ? Emit.kernelSources().getFirst() : Emit.named(words.getFirst())).render(forward(e));
            case ":time" -> time(e);
            default -> Plots.plot(evaluate(e, null).value(), e.typed().text(), dir);
        };
    }

    private Graph forward(Expression e) {
        return compile(probe(e, null)).graph("_repl", Map.of(), false, false);
    }

    private String grad(Expression e, String wrt) {
        Tensor x = bindings.get(wrt);
        if (x == null || !x.dtype().isFloat()) {
            throw new UserError(x == null ? "`" + wrt + "` is not bound; :env lists the bindings"
                    : "`" + wrt + "` is " + x.dtype() + ": only float tensors have gradients");
        }
        Run r = evaluate(e, wrt);
        String text = e.typed().text().strip();
        String of = r.value().dims().isEmpty() ? text : "sum(" + text + ")";
        return "d " + of + " / d " + wrt + ": " + TensorText.format(r.grads().get(wrt), TENSOR_LIMIT) + "\n";
    }

    /** The median of timed runs on the session's backend, after a warm-up of half a second. */
    private String time(Expression e) {
        Probe p = probe(e, null);
        CompiledObjective o = compile(p).compile("_repl", Map.of(), false, backend);
        Map<String, Tensor> in = p.inputs;
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 500_000_000L) {
            o.run(in);
            Backend.checkInterrupt();
        }
        double[] t = new double[21];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            o.run(in);
            t[i] = (System.nanoTime() - t0) / 1e6;
            Backend.checkInterrupt();
        }
        Arrays.sort(t);
        return String.format(java.util.Locale.ROOT, "median %.3f ms of %d runs on %s (min %.3f, max %.3f)%n", t[t.length / 2], t.length,
                backendKind, t[0], t[t.length - 1]);
    }

    /** {@code :save NAME FILE.npy}: a binding as NumPy writes it, its dtype kept (its dimension names are not). */
    private String save(String arg) {
        String[] parts = arg.split(" ", 2);
        if (parts.length != 2 || !parts[1].strip().endsWith(".npy")) {
            throw new UserError("usage: :save NAME FILE.npy");
        }
        Tensor t = bindings.get(parts[0]);
        if (t == null) {
            throw new UserError("`" + parts[0] + "` is not bound; :env lists the bindings");
        }
        Path file = dir.resolve(parts[1].strip()).normalize();
        try {
            Files.write(file, Npy.write(t.shape(), t.values(), Values.descr(t.dtype())));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage());
        }
        return "saved " + parts[0] + " (" + t.dtype() + (t.dims().isEmpty() ? "" : "[" + TensorText.shape(t) + "]") + ") to " + file
                + "; load(\"" + parts[1].strip() + "\", dims: [" + String.join(", ", t.dims()) + "]) reads it back\n";
    }

    private String backend(String name) {
        if (name.isEmpty()) {
            return "backend: " + backendKind + "\n";
        }
        Backends named = Backends.named(name);
        Backend b = named.create(null);
        if (b instanceof GpuBackend gpu) {
            gpu.device();
        }
        backend = b;
        backendKind = named;
        return "backend: " + name + "\n";
    }

    private String load(String file) {
        if (file.isEmpty()) {
            throw new UserError("usage: :load FILE");
        }
        Path p = dir.resolve(file).normalize();
        if (!Files.isRegularFile(p)) {
            throw new UserError("no file " + p);
        }
        List<String> names = names(Compiler.load(p, libraryPath));
        loaded.remove(p);
        loaded.put(p, names);
        try {
            check();
        } catch (RuntimeException e) {
            loaded.remove(p);
            throw e;
        }
        return "loaded " + p + ": " + String.join(", ", names) + "\n";
    }

    private String reload() {
        StringBuilder out = new StringBuilder();
        for (Path p : List.copyOf(loaded.keySet())) {
            List<String> names = names(Compiler.load(p, libraryPath));
            loaded.put(p, names);
            out.append("reloaded ").append(p).append(": ").append(String.join(", ", names)).append('\n');
        }
        return out.isEmpty() ? "nothing loaded\n" : out.toString();
    }

    private String env() {
        StringBuilder out = new StringBuilder("backend: " + backendKind + "\n");
        bindings.forEach((name, t) -> out.append(name).append(": ").append(t.dtype())
                .append(t.dims().isEmpty() ? "" : "[" + TensorText.shape(t) + "]").append('\n'));
        imports.forEach(i -> out.append(i.text()).append('\n'));
        for (Path p : loaded.keySet()) {
            out.append(":load ").append(p).append('\n');
        }
        definitions.values().forEach(d -> out.append(Help.header(d)).append('\n'));
        return out.toString();
    }

    /**
     * {@code :help [TOPIC]}, the topic parsed by the grammar: a builtin, a name of the session, or an
     * entry of the standard library ({@code std.kl.k3} or {@code k3}).
     */
    private String help(SourceFile origin) {
        Diagnostics d = new Diagnostics();
        List<Ident> parsed = SourceParser.parseReplHelp(origin, d);
        if (d.hasErrors()) {
            throw Shown.of(d);
        }
        List<String> topic = parsed.stream().map(Ident::name).toList();
        if (topic.isEmpty()) {
            return HELP;
        }
        String name = String.join(".", topic);
        String entry = topic.getLast();
        Builtin b = Builtin.lookup(name);
        if (b != null) {
            return Help.builtin(b);
        }
        if (topic.size() == 1) {
            FnDecl own = compile(probe(null, null)).lookup(name);
            if (own != null) {
                String module = Help.stdlibModule(own.name().name());
                return Help.definition(own, own.span().file().path().equals("repl") ? "defined in this session"
                        : "imported from " + (module != null ? module : own.span().file().path()));
            }
        }
        String module = topic.size() == 1 ? Help.stdlibModule(name) : String.join(".", topic.subList(0, topic.size() - 1));
        if (module != null) {
            try {    /* an import of names the grammar read */
                FnDecl f = Compiler.fromSource("help", "import " + module + ".{" + entry + "}\n", dir, libraryPath).lookup(entry);
                if (f != null) {
                    return Help.definition(f, "import " + module + ".{" + entry + "}");
                }
            } catch (Compiler.CheckFailed e) {
                /* no such module or entry: said below */
            }
        }
        throw new UserError("no builtin, definition or standard-library entry `" + name + "`; :help lists the commands");
    }

    // ---- probes ------------------------------------------------------------------------------------

    /**
     * A probe module: its text, which spans of it the user typed (and where), and the tensors its
     * objective takes — the bindings the expression names and the tensors made in it.
     */
    private static final class Probe {
        final StringBuilder text = new StringBuilder();
        final Map<String, Tensor> inputs = new LinkedHashMap<>();
        final List<int[]> spans = new ArrayList<>();
        final List<Typed> typed = new ArrayList<>();

        void add(String s) {
            text.append(s);
        }

        void add(Typed t) {
            spans.add(new int[] {text.length(), text.length() + t.text().length()});
            typed.add(t);
            text.append(t.text());
        }
    }

    /** The probe of {@code e} (of {@code 0} when null, to check the session), differentiated with respect to {@code wrt} if given. */
    private Probe probe(Expression e, String wrt) {
        Probe p = new Probe();
        for (Typed i : imports) {
            p.add(i);
            p.add("\n");
        }
        loaded.forEach((file, names) -> p.add("import " + moduleName(file) + ".{" + String.join(", ", names) + "}\n"));
        for (FnDecl d : definitions.values()) {
            p.add(Typed.of(d.span()));
            p.add("\n");
        }
        if (e != null) {
            Set<String> names = new HashSet<>();
            mentions(e.expr(), names);
            bindings.forEach((name, t) -> {
                if (names.contains(name) || name.equals(wrt)) {
                    p.inputs.put(name, t);
                }
            });
            e.values().forEach(v -> p.inputs.put(v.name(), sized(Values.of(v, dir), v, p.inputs, e.values())));
        }
        List<String> params = new ArrayList<>();
        p.inputs.forEach((name, t) -> params.add(name + ": " + t.dtype() + (t.dims().isEmpty() ? "" : "[" + String.join(",", t.dims()) + "]")
                + (name.equals(wrt) ? " grad" : "")));
        if (wrt == null) {
            params.add("_w: f64 grad");
            p.inputs.put("_w", Tensor.scalar(DType.F64, 0));
        }
        p.add("objective _repl(" + String.join(", ", params) + ") {\n  let _value = ");
        if (e == null) {
            p.add("0");
        } else {
            p.add(e.typed());
        }
        p.add("\n  report value = _value\n  " + (wrt == null ? "_w" : "sum(_value)") + "\n}\n");
        return p;
    }

    /**
     * {@code t}, made by {@code v}, if its dimensions have the sizes the inputs before it gave them;
     * else an error at {@code v}, naming the binding or the text of the REPL value that disagrees.
     */
    private static Tensor sized(Tensor t, ReplValue v, Map<String, Tensor> before, List<ReplValue> values) {
        for (Map.Entry<String, Tensor> in : before.entrySet()) {
            for (String d : t.dims()) {
                if (in.getValue().dims().contains(d) && in.getValue().size(d) != t.size(d)) {
                    String other = values.stream().filter(o -> o.name().equals(in.getKey())).map(o -> o.span().text()).findFirst()
                            .orElse(in.getKey());
                    throw Shown.at(v.span(), "dimension " + d + " is " + t.size(d) + " here but " + in.getValue().size(d) + " in `" + other
                            + "`", null);
                }
            }
        }
        return t;
    }

    /**
     * The names {@code e} mentions: only the bindings among them become the probe's parameters, so
     * that two bindings giving one dimension different sizes conflict only where both are used.
     */
    private static void mentions(Expr e, Set<String> out) {
        switch (e) {
            case Expr.Name n -> out.add(n.id().name());
            case Expr.Neg n -> mentions(n.operand(), out);
            case Expr.Not n -> mentions(n.operand(), out);
            case Expr.Binary b -> {
                mentions(b.left(), out);
                mentions(b.right(), out);
            }
            case Expr.Call c -> c.args().forEach(a -> mentions(a.value(), out));
            case Expr.Index ix -> {
                mentions(ix.target(), out);
                ix.items().forEach(i -> {
                    if (i instanceof Expr.Gather g) {
                        mentions(g.index(), out);
                    }
                });
            }
            case Expr.ListLit l -> l.items().forEach(i -> mentions(i, out));
            case Expr.IntLit i -> { }
            case Expr.FloatLit f -> { }
            case Expr.BoolLit b -> { }
            case Expr.StringLit s -> { }
        }
    }

    /** A loaded file's module name on the search path (its directory is added to it). */
    private String moduleName(Path file) {
        String stem = file.getFileName().toString().replaceFirst("\\.rlo$", "");
        if (!SourceParser.isName(stem)) {
            throw new UserError(file + " cannot be loaded: its name is not a module name (letters, digits, _; not a keyword)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!libraryPath.contains(parent)) {
            libraryPath.add(parent);
        }
        return stem;
    }

    private static List<String> names(Compiler c) {
        List<String> out = new ArrayList<>(c.fnDecls().stream().map(f -> f.name().name()).toList());
        out.addAll(c.objectives());
        return out;
    }

    private Compiler compile(Probe p) {
        try {
            return Compiler.fromRepl("repl", p.text.toString(), dir, libraryPath);
        } catch (Compiler.CheckFailed e) {
            throw new Shown(moved(e.diagnostics(), p));
        }
    }

    /** The errors of a probe, rendered, each moved onto the input it points into (if it points into one). */
    private static String moved(Diagnostics all, Probe p) {
        List<String> out = new ArrayList<>();
        for (Diagnostic d : all.sorted()) {
            if (!d.isError()) {
                continue;
            }
            SourceSpan s = d.span();
            SourceSpan at = s.file().path().equals("repl") ? null : s;
            for (int i = 0; i < p.spans.size() && at == null; i++) {
                int[] span = p.spans.get(i);
                if (s.start() >= span[0] && s.end() <= span[1]) {
                    Typed t = p.typed.get(i);
                    at = new SourceSpan(t.origin(), t.start() + s.start() - span[0], t.start() + s.end() - span[0]);
                }
            }
            if (at == null) {
                /* about the probe the REPL wrote, not about a line the user typed: no source to show */
                out.add("error" + (d.code() == null ? "" : "[" + d.code() + "]") + ": " + d.message() + "\n"
                        + (d.hint() == null ? "" : "  = hint: " + d.hint() + "\n"));
                continue;
            }
            out.add(Diagnostics.render(new Diagnostic(d.severity(), d.code(), at, d.message(), d.hint())));
        }
        return String.join("\n", out);
    }

    // ---- for completion ----------------------------------------------------------------------------

    /** Every name an input may mention now: bindings, their dimensions, definitions, loaded names. */
    List<String> names() {
        List<String> out = new ArrayList<>(bindings.keySet());
        bindings.values().forEach(t -> out.addAll(t.dims()));
        out.addAll(definitions.keySet());
        loaded.values().forEach(out::addAll);
        return out;
    }

    /** The names of the bindings. */
    List<String> bound() {
        return List.copyOf(bindings.keySet());
    }

    /** The dimensions of the expression {@code text}, or none when it does not check (completion never fails). */
    List<String> dims(String text) {
        try {
            if (parse(new SourceFile("repl", text)) instanceof ReplInput.Eval e) {
                return compile(probe(new Expression(e.value(), e.values()), null)).graph("_repl", Map.of(), false, false)
                        .output(Output.report("value")).type().dims();
            }
        } catch (RuntimeException e) {
            /* an argument still being typed */
        }
        return List.of();
    }

    static final String HELP = """
            Type an rlo expression to evaluate it, or:
              let NAME = EXPR                  bind a value; also randn[G=4, K=8](seed: 1), rand[…], zeros[…], ones[…],
                                               [[1, 0], [0, 1]] : f32[G,K], load("x.npy", dims: [B, T])
              import std.kl.{k3}               import names (the standard library, or modules beside :load'ed files)
              fn … { … } / objective … { … }   define (a block may span lines)
              :type EXPR                       the expression's dtype and named shape
              :grad EXPR wrt NAME              the gradient of EXPR (summed if not a scalar) with respect to binding NAME
              :ir EXPR                         its IR;  :plan EXPR  its kernel plan
              :kernels EXPR %-19sthe kernels the cpu (Java) or a GPU backend generates
              :time EXPR                       median time of 21 runs on the current backend
              :plot EXPR                       a PNG: a line for a 1-D tensor, a histogram for a larger one
              :save NAME FILE.npy              write a binding as a NumPy file
              :backend %s   show or change the backend
              :load FILE   :reload             bring a file's fns and objectives into scope; read loaded files again
              :env                             bindings, imports, loaded files, definitions
              :help [NAME]   :quit             this text, or a builtin's or a definition's signature and doc; leave (or Ctrl-D)
            """.formatted(KERNELS, "[" + String.join("|", Backends.names()) + "]");
}
