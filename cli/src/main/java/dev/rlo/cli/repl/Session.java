package dev.rlo.cli.repl;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.UserError;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.tensor.TensorText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A REPL session (spec/cli.md#repl): bindings of names to tensors, imports, fns and objectives typed
 * in or loaded from files, and a backend. {@link #handle} takes one complete input — a command, an
 * import, a definition, a {@code let} or an expression — and returns what to print.
 * <p>
 * An expression is evaluated as the report of a probe objective written after the session's
 * imports and definitions, whose parameters are the bindings; its diagnostics are moved back onto
 * the text the user typed, so errors point at the input line, with the same codes and carets as
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
    private record Typed(String text, SourceFile origin, int start) { }

    private static final Pattern LET = Pattern.compile("let\\s+([A-Za-z_]\\w*)\\s*=\\s*", Pattern.DOTALL);
    private static final Pattern DEFINITION = Pattern.compile("(?:///[^\\n]*\\n\\s*)*(fn|objective)\\s+([A-Za-z_]\\w*)", Pattern.DOTALL);
    private static final Pattern WRT = Pattern.compile("(.*)\\s+wrt\\s+([A-Za-z_]\\w*)\\s*", Pattern.DOTALL);
    private static final int TENSOR_LIMIT = 64;

    private final Map<String, Tensor> bindings = new LinkedHashMap<>();
    private final List<Typed> imports = new ArrayList<>();
    private final Map<String, Typed> definitions = new LinkedHashMap<>();
    /** Each :load'ed file and the fns and objectives it had when (re)loaded: what the probes import. */
    private final Map<Path, List<String>> loaded = new LinkedHashMap<>();
    private final List<Path> libraryPath;
    private final Path dir;
    private String backendName = "cpu";
    private Backend backend = new CpuBackend();

    public Session(Path dir, List<Path> libraryPath) {
        this.dir = dir;
        this.libraryPath = new ArrayList<>(libraryPath);
    }

    /** Handles one complete input; errors are returned as text, never thrown. */
    public Reply handle(String input) {
        String line = input.strip();
        if (line.isEmpty() || line.startsWith("//") && !line.startsWith("///")) {
            return new Reply("", false);
        }
        SourceFile origin = new SourceFile("repl", input);
        int start = input.indexOf(line);
        try {
            if (line.startsWith(":")) {
                return command(line, origin, start);
            }
            return new Reply(statement(line, origin, start), false);
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

    /** Errors of a probe, rendered against what the user typed. */
    private static final class Shown extends RuntimeException {
        final String text;

        Shown(String text) {
            super(null, null, false, false);
            this.text = text;
        }
    }

    // ---- statements --------------------------------------------------------------------------------

    private String statement(String line, SourceFile origin, int start) {
        if (line.startsWith("import ")) {
            Typed t = new Typed(line, origin, start);
            imports.add(t);
            try {
                compile(probe(new Typed("0", origin, start), null));
            } catch (RuntimeException e) {
                imports.remove(t);
                throw e;
            }
            return "";
        }
        Matcher def = DEFINITION.matcher(line);
        if (def.lookingAt()) {
            String name = def.group(2);
            Typed previous = definitions.put(name, new Typed(line, origin, start));
            try {
                compile(probe(new Typed("0", origin, start), null));
            } catch (RuntimeException e) {
                if (previous == null) {
                    definitions.remove(name);
                } else {
                    definitions.put(name, previous);
                }
                throw e;
            }
            return "defined " + def.group(1) + " " + name + "\n";
        }
        Matcher let = LET.matcher(line);
        if (let.lookingAt()) {
            String name = let.group(1);
            Typed rhs = new Typed(line.substring(let.end()), origin, start + let.end());
            Tensor v = Values.of(rhs.text(), dir);
            Run r = v != null ? null : evaluate(rhs, null);
            Tensor value = v != null ? v : r.value();
            bindings.put(name, value);
            return name + ": " + TensorText.format(value, TENSOR_LIMIT) + "\n" + (r == null ? "" : r.reports());
        }
        Typed expr = new Typed(line, origin, start);
        Tensor v = Values.of(line, dir);
        if (v != null) {
            return TensorText.format(v, TENSOR_LIMIT) + "\n";
        }
        Run r = evaluate(expr, null);
        return TensorText.format(r.value(), TENSOR_LIMIT) + "\n" + r.reports();
    }

    /** An evaluated probe: the value, and the reports of objectives it called, as text. */
    private record Run(Tensor value, String reports, Map<String, Tensor> grads) { }

    private Run evaluate(Typed expr, String wrt) {
        Probe p = probe(expr, wrt);
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

    // ---- commands ----------------------------------------------------------------------------------

    static final List<String> COMMANDS = List.of(":type", ":grad", ":ir", ":plan", ":kernels", ":time", ":backend", ":load",
            ":reload", ":env", ":help", ":quit");

    private Reply command(String line, SourceFile origin, int start) {
        int space = line.indexOf(' ');
        String name = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? "" : line.substring(space + 1).strip();
        Typed rest = new Typed(arg, origin, start + (space < 0 ? line.length() : line.indexOf(arg, space)));
        String out = switch (name) {
            case ":quit", ":q", ":exit" -> null;
            case ":help" -> HELP;
            case ":type" -> compile(probe(needs(rest, ":type EXPR"), null)).graph("_repl", Map.of(), false, false)
                    .outputs().get(Graph.REPORT + "value").type() + "\n";
            case ":grad" -> grad(rest);
            case ":ir" -> IrPrinter.print(forward(rest, ":ir EXPR"));
            case ":plan" -> PlanPrinter.print(FusePass.plan(forward(rest, ":plan EXPR"))) + "\n";
            case ":kernels" -> kernels(rest);
            case ":time" -> time(rest);
            case ":backend" -> backend(arg);
            case ":load" -> load(arg);
            case ":reload" -> reload();
            case ":env" -> env();
            default -> throw new UserError("unknown command " + name + "; the commands are " + String.join(" ", COMMANDS));
        };
        return out == null ? new Reply("", true) : new Reply(out, false);
    }

    private static Typed needs(Typed t, String usage) {
        if (t.text().isBlank()) {
            throw new UserError("usage: " + usage);
        }
        return t;
    }

    private Graph forward(Typed expr, String usage) {
        return compile(probe(needs(expr, usage), null)).graph("_repl", Map.of(), false, false);
    }

    private String grad(Typed rest) {
        Matcher m = WRT.matcher(rest.text());
        if (!m.matches()) {
            throw new UserError("usage: :grad EXPR wrt NAME");
        }
        String wrt = m.group(2);
        Tensor x = bindings.get(wrt);
        if (x == null || !x.dtype().isFloat()) {
            throw new UserError(x == null ? "`" + wrt + "` is not bound; :env lists the bindings"
                    : "`" + wrt + "` is " + x.dtype() + ": only float tensors have gradients");
        }
        Run r = evaluate(new Typed(m.group(1), rest.origin(), rest.start()), wrt);
        String of = r.value().dims().isEmpty() ? m.group(1).strip() : "sum(" + m.group(1).strip() + ")";
        return "d " + of + " / d " + wrt + ": " + TensorText.format(r.grads().get(wrt), TENSOR_LIMIT) + "\n";
    }

    private String kernels(Typed rest) {
        String text = rest.text();
        Dialect dialect = null;
        for (Dialect d : Dialect.values()) {
            String suffix = " " + d.name().toLowerCase(java.util.Locale.ROOT);
            if (text.endsWith(suffix)) {
                dialect = d;
                text = text.substring(0, text.length() - suffix.length());
            }
        }
        Graph g = forward(new Typed(text, rest.origin(), rest.start()), ":kernels EXPR [opencl|cuda]");
        return dialect == null ? CpuBackend.source(g) : GpuBackend.program(g, dialect).source();
    }

    /** The median of timed runs on the session's backend, after a warm-up of half a second. */
    private String time(Typed rest) {
        Probe p = probe(needs(rest, ":time EXPR"), null);
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
                backendName, t[0], t[t.length - 1]);
    }

    private String backend(String name) {
        if (name.isEmpty()) {
            return "backend: " + backendName + "\n";
        }
        Backend b = switch (name) {
            case "cpu" -> new CpuBackend();
            case "reference" -> new ReferenceBackend();
            case "opencl" -> GpuBackend.opencl(null);
            case "cuda" -> GpuBackend.cuda(null);
            default -> throw new UserError("no backend `" + name + "`; the backends are cpu, reference, opencl, cuda");
        };
        if (b instanceof GpuBackend gpu) {
            gpu.device();
        }
        backend = b;
        backendName = name;
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
            compile(probe(new Typed("0", new SourceFile("repl", "0"), 0), null));
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
        StringBuilder out = new StringBuilder("backend: " + backendName + "\n");
        bindings.forEach((name, t) -> out.append(name).append(": ").append(t.dtype())
                .append(t.dims().isEmpty() ? "" : "[" + TensorText.shape(t) + "]").append('\n'));
        imports.forEach(i -> out.append(i.text()).append('\n'));
        for (Path p : loaded.keySet()) {
            out.append(":load ").append(p).append('\n');
        }
        definitions.forEach((name, d) -> out.append(d.text().lines().filter(l -> !l.startsWith("///")).findFirst().orElse(name)).append('\n'));
        return out.toString();
    }

    // ---- probes ------------------------------------------------------------------------------------

    /**
     * A probe module: its text, which spans of it the user typed (and where), and the tensors its
     * objective takes — the bindings the expression names and its random, constant or loaded ones.
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

    private Probe probe(Typed typed, String wrt) {
        Values.Substituted sub = Values.substitute(typed.text(), dir);
        Typed expr = new Typed(sub.text(), typed.origin(), typed.start());
        Probe p = new Probe();
        for (Typed i : imports) {
            p.add(i);
            p.add("\n");
        }
        loaded.forEach((file, names) -> p.add("import " + moduleName(file) + ".{" + String.join(", ", names) + "}\n"));
        for (Typed d : definitions.values()) {
            p.add(d);
            p.add("\n");
        }
        List<String> params = new ArrayList<>();
        p.inputs.putAll(mentioned(expr.text(), wrt));
        p.inputs.putAll(sub.tensors());
        p.inputs.forEach((name, t) -> params.add(name + ": " + t.dtype() + (t.dims().isEmpty() ? "" : "[" + String.join(",", t.dims()) + "]")
                + (name.equals(wrt) ? " grad" : "")));
        if (wrt == null) {
            params.add("_w: f64 grad");
            p.inputs.put("_w", Tensor.scalar(DType.F64, 0));
        }
        p.add("objective _repl(" + String.join(", ", params) + ") {\n  let _value = ");
        p.add(expr);
        p.add("\n  report value = _value\n  " + (wrt == null ? "_w" : "sum(_value)") + "\n}\n");
        return p;
    }

    /**
     * The bindings {@code text} names (and {@code wrt}): only they become the probe's parameters, so
     * that two bindings giving one dimension different sizes conflict only where both are used.
     */
    private Map<String, Tensor> mentioned(String text, String wrt) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        bindings.forEach((name, t) -> {
            if (name.equals(wrt) || Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?!\\w)").matcher(text).find()) {
                out.put(name, t);
            }
        });
        return out;
    }

    /** A loaded file's module name on the search path (its directory is added to it). */
    private String moduleName(Path file) {
        String stem = file.getFileName().toString().replaceFirst("\\.rlo$", "");
        if (!stem.matches("[A-Za-z_]\\w*")) {
            throw new UserError(file + " cannot be loaded: its name is not a module name (letters, digits, _)");
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
            return Compiler.fromSource("repl", p.text.toString(), dir, libraryPath);
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

    static final String HELP = """
            Type an rlo expression to evaluate it, or:
              let NAME = EXPR                  bind a value; also randn[G=4, K=8](seed: 1), rand[…], zeros[…], ones[…],
                                               [[1, 0], [0, 1]] : f32[G,K], load("x.npy", dims: [B, T])
              import std.kl.{k3}               import names (the standard library, or modules beside :load'ed files)
              fn … { … } / objective … { … }   define (a block may span lines)
              :type EXPR                       the expression's dtype and named shape
              :grad EXPR wrt NAME              the gradient of EXPR (summed if not a scalar) with respect to binding NAME
              :ir EXPR                         its IR;  :plan EXPR  its kernel plan
              :kernels EXPR [opencl|cuda]      the kernels the cpu (Java) or a GPU backend generates
              :time EXPR                       median time of 21 runs on the current backend
              :backend [cpu|reference|opencl|cuda]   show or change the backend
              :load FILE   :reload             bring a file's fns and objectives into scope; read loaded files again
              :env                             bindings, imports, loaded files, definitions
              :help   :quit                    this text; leave (or Ctrl-D)
            """;
}
