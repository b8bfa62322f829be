package dev.rlo.cli.batch;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.python.PythonModule;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.fuse.SchedulePrinter;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.lower.Lowerer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rlo compile PATH... --emit WHAT -o DIR} (spec/cli.md#compile): every fn and objective of
 * every file, one artifact each at {@code DIR/<file's path without .rlo>/<name>.<ext>} (a fn
 * forward only, as a training loop's rollout stage runs it) — or, for the Python dialects, one
 * module per file at {@code DIR/<file's path>.py} — and {@code DIR/manifest.json} describing them:
 * name, inputs with named shapes, parameters, outputs, the SHA-256 of the artifact. The same
 * sources give the same bytes (no times, no absolute paths: files are shown as given, or relative
 * to an absolute directory; entries in path order).
 */
public final class CompileAll {

    /** What to print: every file's diagnostics, a summary line; and whether any file failed. */
    public record Outcome(String diagnostics, String summary, boolean failed) { }

    private final String emit;
    private final Map<String, String> hyper;
    private final boolean f64;
    private final boolean gradients;
    private final List<Path> libraryPath;
    private final String version;

    public CompileAll(String emit, Map<String, String> hyper, boolean f64, boolean gradients, List<Path> libraryPath, String version) {
        this.emit = emit;
        this.hyper = hyper;
        this.f64 = f64;
        this.gradients = gradients;
        this.libraryPath = libraryPath;
        this.version = version;
    }

    /** The text {@code --emit} prints for {@code g}: ir, plan, schedule, java, opencl or cuda. */
    public static String artifact(String emit, Graph g) {
        return switch (emit) {
            case "ir" -> IrPrinter.print(g);
            case "plan" -> PlanPrinter.print(FusePass.plan(g));
            case "schedule" -> SchedulePrinter.print(Schedule.of(FusePass.plan(g)));
            case "java" -> CpuBackend.source(g);
            case "opencl" -> GpuBackend.program(g, Dialect.OPENCL).source();
            case "cuda" -> GpuBackend.program(g, Dialect.CUDA).source();
            default -> throw new IllegalArgumentException(emit);
        };
    }

    private String extension() {
        return switch (emit) {
            case "opencl" -> Dialect.OPENCL.extension();
            case "cuda" -> Dialect.CUDA.extension();
            default -> emit;
        };
    }

    private static Map<String, String> mine(FnDecl decl, Map<String, String> hyper) {
        return Compiler.hyperOf(decl, hyper);
    }

    public Outcome run(List<Path> roots, String only, Path out) {
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new UserError("no such file or directory: " + root);
            }
        }
        long start = System.nanoTime();
        boolean python = PythonModule.isDialect(emit);
        StringBuilder diagnostics = new StringBuilder();
        List<Object> manifest = new ArrayList<>();
        int files = 0;
        int failed = 0;
        int fns = 0;
        boolean setUsed = hyper.isEmpty();
        java.util.Set<String> written = new java.util.HashSet<>();
        for (Path root : roots) {
            for (Path file : RloFiles.find(root)) {
                files++;
                Compiler c;
                try {
                    c = Compiler.load(file, libraryPath);
                } catch (Compiler.CheckFailed e) {
                    diagnostics.append(e.diagnostics().toText());
                    failed++;
                    continue;
                }
                String base = (Files.isDirectory(root) ? root.relativize(file) : file.getFileName()).toString().replaceFirst("\\.rlo$", "");
                if (!insideOutput(out, base)) {
                    diagnostics.append("rlo: ").append(file).append(": its name leaves no folder for its artifacts inside ").append(out)
                            .append(" (`").append(base).append("`); rename the file\n");
                    failed++;
                    continue;
                }
                Path shown = root.isAbsolute() && Files.isDirectory(root) ? root.relativize(file) : file;
                List<FnDecl> decls = c.decls().stream().filter(d -> only == null || only.equals(d.name().name())).toList();
                for (FnDecl d : decls) {
                    setUsed |= !mine(d, hyper).isEmpty();
                }
                if (python) {
                    if (decls.isEmpty()) {
                        continue;
                    }
                    String relative = moduleName(base) + ".py";
                    claim(written, file, relative);
                    List<PythonModule.Callable> callables;
                    String text;
                    try {
                        callables = c.pythonCallables(hyper, only);
                        text = PythonModule.render(emit, shown.toString().replace('\\', '/'), callables);
                    } catch (UserError e) {
                        diagnostics.append("rlo: ").append(file).append(": ").append(e.getMessage()).append('\n');
                        failed++;
                        continue;
                    }
                    write(out.resolve(relative), text);
                    for (int i = 0; i < decls.size(); i++) {
                        fns += decls.get(i).objective() ? 0 : 1;
                        manifest.add(entry(shown, decls.get(i), mine(decls.get(i), hyper), callables.get(i).knobbed(), relative, text));
                    }
                    continue;
                }
                for (FnDecl d : decls) {
                    String name = d.name().name();
                    String relative = base + "/" + name + "." + extension();
                    claim(written, file, relative);
                    Graph g;
                    String text;
                    try {
                        g = c.graph(name, mine(d, hyper), f64, gradients);
                        text = artifact(emit, g);
                    } catch (UserError e) {
                        diagnostics.append("rlo: ").append(file).append(": ").append(d.keyword()).append(' ').append(name).append(": ")
                                .append(e.getMessage()).append('\n');
                        failed++;
                        continue;
                    }
                    write(out.resolve(relative), text);
                    fns += d.objective() ? 0 : 1;
                    manifest.add(entry(shown, d, mine(d, hyper), new Lowerer.Knobbed(g, List.of(), java.util.Map.of()), relative, text));
                }
            }
        }
        if (!setUsed) {
            throw new UserError("no fn or objective has the hyper-parameters given with --set: " + String.join(", ", hyper.keySet()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rlo", version);
        m.put("emit", emit);
        m.put("objectives", manifest);
        write(out.resolve("manifest.json"), Json.write(m) + "\n");
        int objectives = manifest.size() - fns;
        String summary = String.format(java.util.Locale.ROOT, "compiled %d %s%s from %d %s into %s in %.2f s%s", objectives,
                objectives == 1 ? "objective" : "objectives", fns == 0 ? "" : " and " + fns + (fns == 1 ? " fn" : " fns"),
                files, files == 1 ? "file" : "files", out, (System.nanoTime() - start) / 1e9,
                failed == 0 ? "" : "; " + failed + (failed == 1 ? " file or objective has" : " files or objectives have") + " errors");
        return new Outcome(diagnostics.toString(), summary, failed > 0);
    }

    /** A module's path: each part of {@code base} made a Python identifier ({@code ppo-cartpole} → {@code ppo_cartpole}). */
    static String moduleName(String base) {
        return java.util.Arrays.stream(base.split("/")).map(p -> {
            String s = p.replaceAll("[^A-Za-z0-9_]", "_");
            return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
        }).collect(java.util.stream.Collectors.joining("/"));
    }

    private static void claim(java.util.Set<String> written, Path file, String relative) {
        if (!written.add(relative)) {
            throw new UserError(file + " would write " + relative + " again; give the files' common directory instead");
        }
    }

    /**
     * A manifest entry: the file, {@code objective} or {@code fn} and its name, the artifact and its
     * SHA-256, inputs, parameters as written or set, outputs; for a Python module, the knobs too.
     */
    private Map<String, Object> entry(Path file, FnDecl decl, Map<String, String> set, Lowerer.Knobbed k, String artifact, String text) {
        Graph g = k.graph();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", file.toString().replace('\\', '/'));
        e.put(decl.keyword(), decl.name().name());
        e.put("artifact", artifact);
        e.put("sha256", dev.rlo.compiler.io.Sha256.hex(text));
        List<Object> inputs = new ArrayList<>();
        for (Graph.Input in : g.inputs()) {
            if (in.isKnob()) {
                continue;
            }
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("name", in.name());
            i.put("dtype", in.type().dtype().toString());
            i.put("dims", in.type().dims());
            i.put("grad", in.grad());
            inputs.add(i);
        }
        e.put("inputs", inputs);
        Map<String, Object> params = new LinkedHashMap<>();
        for (Param p : decl.params()) {
            if (p.defaultValue() != null) {
                params.put(p.name().name(), set.getOrDefault(p.name().name(), p.defaultValue().span().text()));
            }
        }
        e.put("parameters", params);
        if (PythonModule.isDialect(emit)) {
            List<Object> knobs = new ArrayList<>();
            for (Graph.Input h : k.hyper()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", h.name());
                x.put("python", PythonModule.pythonName(h.name()));
                x.put("dtype", h.type().dtype().toString());
                x.put("default", h.knob());
                x.put("fixed", k.fixed(h.name()));
                knobs.add(x);
            }
            e.put("knobs", knobs);
            e.put("python", PythonModule.pythonName(decl.name().name()));
        }
        List<Object> outputs = new ArrayList<>();
        for (Map.Entry<String, Node> o : g.outputs().entrySet()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", o.getKey());
            x.put("dtype", o.getValue().type().dtype().toString());
            x.put("dims", o.getValue().type().dims());
            outputs.add(x);
        }
        e.put("outputs", outputs);
        return e;
    }

    /**
     * Whether {@code base}, a file's path without {@code .rlo}, names a folder inside {@code out}:
     * each part a name, none {@code .} or {@code ..} (a file named {@code ...rlo}) nor empty (one
     * named {@code .rlo}), so that no source file makes rlo write outside the output directory.
     */
    static boolean insideOutput(Path out, String base) {
        for (String part : base.replace('\\', '/').split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        Path target = out.resolve(base).normalize();
        return target.startsWith(out.normalize()) && !target.equals(out.normalize());
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage());
        }
    }
}
