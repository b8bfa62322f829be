package dev.rlo.compiler;

import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.python.PythonModule;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.check.FnInfo;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.lower.Lowerer;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.resolve.SourceRoot;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.types.DType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Java API: load an rlo file, then compile its objectives to graphs or to runnable
 * {@link CompiledObjective}s.
 * <pre>
 * Compiler c = Compiler.load(Path.of("examples/ppo.rlo"), List.of());
 * CompiledObjective ppo = c.compile("ppo", Map.of("eps", "0.1"), false);   // f32, on the fused CPU backend
 * CompiledObjective.Result r = ppo.run(Map.of("logits", logits, …));
 * </pre>
 * {@link #compile(String, Map, boolean, Backend)} picks another backend ({@code new ReferenceBackend()}).
 */
public final class Compiler {

    /** The file did not check; {@link #diagnostics()} says why. */
    public static final class CheckFailed extends RuntimeException {
        private final transient Diagnostics diagnostics;

        CheckFailed(Diagnostics diagnostics) {
            super(diagnostics.errorCount() + " errors");
            this.diagnostics = diagnostics;
        }

        public Diagnostics diagnostics() {
            return diagnostics;
        }
    }

    private final Session session;
    private final LoadedModule module;

    private Compiler(Session session, LoadedModule module) {
        this.session = session;
        this.module = module;
    }

    /** Loads and checks {@code file}; throws {@link CheckFailed} if it has errors. */
    public static Compiler load(Path file, List<Path> libraryPath) {
        Session session = new Session(libraryPath);
        LoadedModule module = session.check(file);
        if (session.diagnostics().hasErrors()) {
            throw new CheckFailed(session.diagnostics());
        }
        return new Compiler(session, module);
    }

    /**
     * Loads and checks source text that is not in a file (a REPL line, a test); it is shown as
     * {@code name} and its imports resolve against {@code dir} (which may be null).
     */
    public static Compiler fromSource(String name, String text, Path dir, List<Path> libraryPath) {
        return fromSource(name, text, dir, libraryPath, false);
    }

    /**
     * Like {@link #fromSource(String, String, Path, List)} for a probe of {@code rlo repl}: parsed
     * in REPL mode, where each REPL value is the name {@code _t0}, {@code _t1}, … (spec/syntax.md#repl-input).
     */
    public static Compiler fromRepl(String name, String text, Path dir, List<Path> libraryPath) {
        return fromSource(name, text, dir, libraryPath, true);
    }

    private static Compiler fromSource(String name, String text, Path dir, List<Path> libraryPath, boolean repl) {
        Session session = new Session(libraryPath);
        LoadedModule module = session.check(new SourceRoot.Loaded("source:" + name + ":" + text.hashCode(),
                new SourceFile(name, text), repl), dir);
        if (session.diagnostics().hasErrors()) {
            throw new CheckFailed(session.diagnostics());
        }
        return new Compiler(session, module);
    }

    /** A compiler over {@code module}, which {@code session} has checked without errors ({@code rlo check}'s). */
    public static Compiler checked(Session session, LoadedModule module) {
        if (session.diagnostics().hasErrors()) {
            throw new CheckFailed(session.diagnostics());
        }
        return new Compiler(session, module);
    }

    /** The names of the file's objectives, in source order. */
    public List<String> objectives() {
        return objectiveDecls().stream().map(d -> d.name().name()).toList();
    }

    /** The file's objectives, in source order. */
    public List<FnDecl> objectiveDecls() {
        return module.ast().decls().stream().filter(d -> d instanceof FnDecl f && f.objective()).map(d -> (FnDecl) d).toList();
    }

    /** The file's fns (not objectives), in source order. */
    public List<FnDecl> fnDecls() {
        return module.ast().decls().stream().filter(d -> d instanceof FnDecl f && !f.objective()).map(d -> (FnDecl) d).toList();
    }

    /** The file's fns and objectives, in source order. */
    public List<FnDecl> decls() {
        return module.ast().decls().stream().filter(d -> d instanceof FnDecl).map(d -> (FnDecl) d).toList();
    }

    /** The file's train blocks, in source order. */
    public List<TrainDecl> trainDecls() {
        return module.ast().decls().stream().filter(d -> d instanceof TrainDecl)
                .map(d -> (TrainDecl) d).toList();
    }

    /** The file's sweep blocks, in source order. */
    public List<SweepDecl> sweepDecls() {
        return module.ast().decls().stream().filter(d -> d instanceof SweepDecl).map(d -> (SweepDecl) d).toList();
    }

    /**
     * A SHA-256 over the text of this file and of every module it loaded, the standard library
     * included (in the order of their own hashes, so not of where they were found): what a run
     * depends on besides its settings.
     */
    public String sourcesHash() {
        return dev.rlo.compiler.io.Sha256.hex(String.join("\u0000", session.modules().stream()
                .map(m -> dev.rlo.compiler.io.Sha256.hex(m.file().text())).sorted().toList()));
    }

    /** What the checker learnt about {@code fn}: its parameters, and which the result depends on. */
    public FnInfo info(FnDecl fn) {
        return session.checker().info(fn);
    }

    /**
     * The inputs of the fn or objective {@code name} (its parameters that are not hyper-parameters) as
     * declared, known from checking alone: what reading input files needs, without lowering.
     */
    public List<Graph.Input> inputs(String name) {
        return info(decl(name)).params().stream().filter(p -> !p.hyper()).map(p -> new Graph.Input(p.name(), p.type(), p.grad())).toList();
    }

    /** {@code requested}, checked; or the file's only objective when {@code requested} is null. */
    public String objective(String requested) {
        return choose(requested, objectives(), "objective");
    }

    /**
     * {@code requested}, a fn or an objective of this file; or, when it is null, the file's only
     * objective, or its only fn if it has no objective.
     */
    public String fnOrObjective(String requested) {
        List<String> all = new java.util.ArrayList<>(objectives());
        if (requested == null && all.isEmpty()) {
            return choose(null, fnDecls().stream().map(d -> d.name().name()).toList(), "fn");
        }
        fnDecls().forEach(d -> all.add(d.name().name()));
        return requested == null ? objective(null) : choose(requested, all, "fn or objective");
    }

    /** Whether {@code name} is a fn of this file (not an objective). */
    public boolean isFn(String name) {
        return fnDecls().stream().anyMatch(d -> d.name().name().equals(name));
    }

    private String choose(String requested, List<String> all, String what) {
        if (requested != null) {
            if (!all.contains(requested)) {
                throw new UserError("no " + what + " `" + requested + "` in " + module.file().path()
                        + (all.isEmpty() ? "" : "; it has " + String.join(", ", all)));
            }
            return requested;
        }
        if (all.size() != 1) {
            throw new UserError(module.file().path() + (all.isEmpty() ? " has no " + what
                    : " has " + all.size() + " " + what + "s (" + String.join(", ", all) + "); choose one with --objective"));
        }
        return all.getFirst();
    }

    /** The hyper-parameter values in {@code raw} (name → text), checked against the objective's. */
    public Map<String, Double> hyper(String objective, Map<String, String> raw) {
        FnInfo info = session.checker().info(decl(objective));
        Map<String, Double> out = new LinkedHashMap<>();
        raw.forEach((name, text) -> {
            FnInfo.Param p = info.param(name);
            if (p == null || !p.hyper()) {
                String hypers = info.params().stream().filter(FnInfo.Param::hyper).map(FnInfo.Param::name)
                        .collect(Collectors.joining(", "));
                throw new UserError("`" + name + "` is not a hyper-parameter of " + objective
                        + (hypers.isEmpty() ? ", which has none" : "; its hyper-parameters are " + hypers));
            }
            out.put(name, parse(objective, p, text));
        });
        return out;
    }

    /** A value from its text: a number, true or false, or for a choice the index of its string (quoted or not). */
    private static double parse(String objective, FnInfo.Param p, String text) {
        DType d = p.type().dtype();
        String t = text.trim();
        if (p.choice()) {
            String s = t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
            if (p.choices().contains(s)) {
                return p.choices().indexOf(s);
            }
            throw new UserError("hyper-parameter `" + p.name() + "` of " + objective + " is one of "
                    + String.join(", ", p.choices()) + ", so `" + text + "` is not a value for it");
        }
        if (d == DType.BOOL) {
            if (t.equals("true") || t.equals("false")) {
                return t.equals("true") ? 1 : 0;
            }
        } else {
            try {
                double v = Double.parseDouble(t);
                if (Double.isFinite(v) && (d != DType.I32 || v == Math.rint(v))) {
                    return v;
                }
            } catch (NumberFormatException e) {
                /* reported below */
            }
        }
        throw new UserError("hyper-parameter `" + p.name() + "` of " + objective + " is " + d + ", so `" + text
                + "` is not a value for it");
    }

    /**
     * The objective's graph: forward only, or with gradients; in f32 or, with {@code f64}, all in
     * f64. For a fn, its forward graph, whose output is its {@code result}.
     */
    public Graph graph(String objective, Map<String, String> hyper, boolean f64, boolean gradients) {
        Map<String, Double> h = hyper(objective, hyper);
        return gradients && !isFn(objective) ? Pipeline.compile(session.checker(), decl(objective), h, f64)
                : Pipeline.lowerOnly(session.checker(), decl(objective), h, f64);
    }

    /**
     * The graph of a fn or objective (with gradients) whose hyper-parameters are knobs, set per
     * call, where no compile-time attribute needs them ({@link Pipeline#withKnobs}); {@code hyper}
     * sets their defaults. It is the f32 graph, whose constants keep their unrounded values.
     */
    public Lowerer.Knobbed knobbed(String name, Map<String, String> hyper) {
        return Pipeline.withKnobs(session.checker(), decl(name), hyper(name, hyper));
    }

    /** The values in {@code set} (name → text) that are hyper-parameters of {@code decl}. */
    public static Map<String, String> hyperOf(FnDecl decl, Map<String, String> set) {
        Map<String, String> mine = new LinkedHashMap<>();
        for (dev.rlo.compiler.ast.Param p : decl.params()) {
            if (p.isHyper() && set.containsKey(p.name().name())) {
                mine.put(p.name().name(), set.get(p.name().name()));
            }
        }
        return mine;
    }

    /**
     * This file's fns and objectives ({@code only} one of them, if not null) as a Python module
     * needs them ({@link PythonModule#render}); each takes the values in {@code set} that are its
     * hyper-parameters as its knobs' defaults.
     */
    public List<PythonModule.Callable> pythonCallables(Map<String, String> set, String only) {
        List<PythonModule.Callable> out = new java.util.ArrayList<>();
        for (FnDecl d : decls()) {
            String name = d.name().name();
            if (only == null || only.equals(name)) {
                Map<String, String> mine = hyperOf(d, set);
                out.add(new PythonModule.Callable(name, d.objective(), d.doc() == null ? List.of() : d.doc().lines(), knobbed(name, mine)));
            }
        }
        return out;
    }

    /** {@code objective} compiled for the fused CPU backend, the default. */
    public CompiledObjective compile(String objective, Map<String, String> hyper, boolean f64) {
        return compile(objective, hyper, f64, new dev.rlo.compiler.backend.cpu.CpuBackend());
    }

    public CompiledObjective compile(String objective, Map<String, String> hyper, boolean f64, Backend backend) {
        Graph g = graph(objective, hyper, f64, true);
        return new CompiledObjective(g, backend.compile(g));
    }

    /**
     * The fn {@code name} of this file (not an objective) compiled forward only, for a training loop's
     * stages such as advantages over a rollout: {@link CompiledObjective#apply} gives its value;
     * {@code hyper} sets the fn's parameters that have defaults.
     */
    public CompiledObjective compileFn(String name, Map<String, String> hyper, boolean f64, Backend backend) {
        if (!isFn(name)) {
            throw new UserError("no fn `" + name + "` in " + module.file().path());
        }
        Graph g = graph(name, hyper, f64, false);
        return new CompiledObjective(g, backend.compile(g));
    }

    /** The fn or objective {@code name} names in the file, its own or an imported one ({@code as} names included); or null. */
    public FnDecl lookup(String name) {
        return session.checker().lookup(module, name);
    }

    private FnDecl decl(String name) {
        FnDecl f = lookup(name);
        if (f == null) {
            throw new UserError("no objective `" + name + "` in " + module.file().path());
        }
        return f;
    }
}
