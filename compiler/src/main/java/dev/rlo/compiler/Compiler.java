package dev.rlo.compiler;

import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.check.FnInfo;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.resolve.SourceRoot;
import dev.rlo.compiler.source.SourceFile;
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
        Session session = new Session(libraryPath);
        LoadedModule module = session.check(new SourceRoot.Loaded("source:" + name + ":" + text.hashCode(),
                new SourceFile(name, text)), dir);
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

    /** {@code requested}, checked; or the file's only objective when {@code requested} is null. */
    public String objective(String requested) {
        List<String> all = objectives();
        if (requested != null) {
            if (!all.contains(requested)) {
                throw new UserError("no objective `" + requested + "` in " + module.file().path()
                        + (all.isEmpty() ? "" : "; it has " + String.join(", ", all)));
            }
            return requested;
        }
        if (all.size() != 1) {
            throw new UserError(module.file().path() + (all.isEmpty() ? " has no objective"
                    : " has " + all.size() + " objectives (" + String.join(", ", all) + "); choose one with --objective"));
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

    private static double parse(String objective, FnInfo.Param p, String text) {
        DType d = p.type().dtype();
        String t = text.trim();
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

    /** The objective's graph: forward only, or with gradients; in f32 or, with {@code f64}, all in f64. */
    public Graph graph(String objective, Map<String, String> hyper, boolean f64, boolean gradients) {
        Map<String, Double> h = hyper(objective, hyper);
        return gradients ? Pipeline.compile(session.checker(), decl(objective), h, f64)
                : Pipeline.lowerOnly(session.checker(), decl(objective), h, f64);
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
        FnDecl fn = fnDecls().stream().filter(f -> f.name().name().equals(name)).findFirst()
                .orElseThrow(() -> new UserError("no fn `" + name + "` in " + module.file().path()));
        Graph g = Pipeline.lowerOnly(session.checker(), fn, hyper(name, hyper), f64);
        return new CompiledObjective(g, backend.compile(g));
    }

    private FnDecl decl(String name) {
        for (Decl d : module.ast().decls()) {
            if (d instanceof FnDecl f && f.name().name().equals(name)) {
                return f;
            }
        }
        throw new UserError("no objective `" + name + "` in " + module.file().path());
    }
}
