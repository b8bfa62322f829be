package dev.rlo.cli.batch;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.UserError;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.PlanPrinter;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrPrinter;
import dev.rlo.compiler.ir.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rlo compile PATH... --emit WHAT -o DIR} (spec/cli.md#compile): every objective of every
 * file, one artifact each at {@code DIR/<file's path without .rlo>/<objective>.<ext>}, and
 * {@code DIR/manifest.json} describing them — objective, inputs with named shapes, parameters,
 * outputs, the SHA-256 of the artifact. The same sources give the same bytes (no times, no
 * absolute paths: files are shown as given, or relative to an absolute directory; objectives in
 * path order).
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

    /** The text {@code --emit} prints for {@code g}: ir, plan, java, opencl or cuda. */
    public static String artifact(String emit, Graph g) {
        return switch (emit) {
            case "ir" -> IrPrinter.print(g);
            case "plan" -> PlanPrinter.print(FusePass.plan(g));
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

    public Outcome run(List<Path> roots, String only, Path out) {
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new UserError("no such file or directory: " + root);
            }
        }
        long start = System.nanoTime();
        StringBuilder diagnostics = new StringBuilder();
        List<Object> manifest = new ArrayList<>();
        int files = 0;
        int failed = 0;
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
                for (FnDecl decl : c.objectiveDecls()) {
                    String name = decl.name().name();
                    if (only != null && !only.equals(name)) {
                        continue;
                    }
                    Map<String, String> mine = new LinkedHashMap<>();
                    for (Param p : decl.params()) {
                        if (p.isHyper() && hyper.containsKey(p.name().name())) {
                            mine.put(p.name().name(), hyper.get(p.name().name()));
                        }
                    }
                    setUsed |= !mine.isEmpty();
                    String relative = base + "/" + name + "." + extension();
                    if (!written.add(relative)) {
                        throw new UserError(file + " would write " + relative + " again; give the files' common directory instead");
                    }
                    Graph g;
                    String text;
                    try {
                        g = c.graph(name, mine, f64, gradients);
                        text = artifact(emit, g);
                    } catch (UserError e) {
                        diagnostics.append("rlo: ").append(file).append(": objective ").append(name).append(": ").append(e.getMessage()).append('\n');
                        failed++;
                        continue;
                    }
                    write(out.resolve(relative), text);
                    Path shown = root.isAbsolute() && Files.isDirectory(root) ? root.relativize(file) : file;
                    manifest.add(entry(shown, decl, mine, g, relative, text));
                }
            }
        }
        if (!setUsed) {
            throw new UserError("no objective has the hyper-parameters given with --set: " + String.join(", ", hyper.keySet()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rlo", version);
        m.put("emit", emit);
        m.put("objectives", manifest);
        write(out.resolve("manifest.json"), Json.write(m) + "\n");
        String summary = String.format(java.util.Locale.ROOT, "compiled %d %s from %d %s into %s in %.2f s%s", manifest.size(),
                manifest.size() == 1 ? "objective" : "objectives", files, files == 1 ? "file" : "files", out, (System.nanoTime() - start) / 1e9,
                failed == 0 ? "" : "; " + failed + (failed == 1 ? " file or objective has" : " files or objectives have") + " errors");
        return new Outcome(diagnostics.toString(), summary, failed > 0);
    }

    private static Map<String, Object> entry(Path file, FnDecl decl, Map<String, String> set, Graph g, String artifact, String text) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", file.toString().replace('\\', '/'));
        e.put("objective", decl.name().name());
        e.put("artifact", artifact);
        e.put("sha256", dev.rlo.compiler.io.Sha256.hex(text));
        List<Object> inputs = new ArrayList<>();
        for (Graph.Input in : g.inputs()) {
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
