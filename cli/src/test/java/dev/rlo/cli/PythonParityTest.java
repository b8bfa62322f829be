package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity of the emitted Python with {@code rlo eval}: every fn and objective of stdlib/ and
 * examples/ is emitted with {@code rlo compile --emit numpy|torch -o DIR}, run on seeded inputs
 * (those {@code rlo gradcheck} draws) by {@code parity.py} — one Python process per dialect and
 * interpreter for all cases — and must equal {@code rlo eval --grad --format json} (on the reference
 * backend) on the same inputs: loss, reports and gradients, or a fn's result, within
 * 1e-5 · max(1, |expected|) in f32 and 1e-12 · max(1, |expected|) in f64. The f32 run uses every
 * knob's default; the f64 run sets each float knob to half its default, per call in Python and with
 * {@code --set} for rlo eval. Torch's autograd gradients (from {@code out.loss.backward()}) must
 * match too. NumPy runs on every interpreter that has NumPy and SciPy (NumPy 1 and 2 treat scalars
 * differently); torch where it imports; both are required under CI=true.
 */
class PythonParityTest {

    static final List<String> ROOTS = List.of("../stdlib", "../examples");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> numpyModulesMatchRloEval() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String py : Pythons.require(true, "numpy", "scipy")) {
            tests.addAll(parity("numpy", py));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> torchModulesMatchRloEval() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String py : Pythons.require(true, "torch", "numpy")) {
            tests.addAll(parity("torch", py));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> jaxModulesMatchRloEval() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String py : Pythons.require(false, "jax", "numpy")) {
            tests.addAll(parity("jax", py));
        }
        return tests.stream();
    }

    /** One case: a fn or objective in one dtype, its inputs and knobs, and what rlo eval printed. */
    record Case(String label, Path out, Map<String, Object> expected, boolean objective, List<String> grads, boolean f64) { }

    private List<DynamicTest> parity(String dialect, String python) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(dialect + "-" + Math.abs(python.hashCode())));
        CliTest.Run compiled = CliTest.rlo(Stream.concat(Stream.of("compile"), Stream.concat(ROOTS.stream(),
                Stream.of("--emit", dialect, "-o", dir.resolve("modules").toString()))).toArray(String[]::new));
        assertEquals(0, compiled.code(), compiled.out() + compiled.err());
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("modules/manifest.json")), "manifest");
        List<Case> cases = new ArrayList<>();
        List<Object> spec = new ArrayList<>();
        for (Object o : (List<?>) manifest.get("objectives")) {
            Map<?, ?> entry = (Map<?, ?>) o;
            for (boolean f64 : List.of(false, true)) {
                cases.add(prepare(entry, dir, f64, spec));
            }
        }
        Path file = dir.resolve("cases.json");
        Files.writeString(file, Json.write(spec));
        Pythons.check(python, Pythons.script("parity.py").toString(), dialect, file.toString());
        String where = " (" + dialect + ", " + Pythons.all().get(python) + ")";
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.label() + where, () -> compare(c, dialect))).toList();
    }

    /** Writes a case's inputs, runs rlo eval on them, and adds the case to {@code spec} for parity.py. */
    private static Case prepare(Map<?, ?> entry, Path dir, boolean f64, List<Object> spec) throws IOException {
        String rloFile = (String) entry.get("file");
        boolean objective = entry.containsKey("objective");
        String name = (String) (objective ? entry.get("objective") : entry.get("fn"));
        String label = rloFile.replace("../", "") + " " + name + (f64 ? " f64" : " f32");
        Path out = Files.createDirectories(dir.resolve("cases").resolve(label.replaceAll("[^A-Za-z0-9_.-]", "_")));
        Graph g = Compiler.load(Path.of(rloFile), List.of()).graph(name, Map.of(), false, false);
        Map<String, Tensor> values = Gradcheck.inputs(g, new Gradcheck.Options(Map.of(), 7, 0, 0, Map.of()));
        List<String> eval = new ArrayList<>(List.of("eval", rloFile, "--objective", name, "--format", "json", "--backend", "reference"));
        List<Object> inputs = new ArrayList<>();
        List<String> grads = new ArrayList<>();
        for (Graph.Input in : g.inputs()) {
            Tensor t = values.get(in.name());
            Path npy = out.resolve("in_" + in.name() + ".npy");
            Files.write(npy, Npy.write(t.shape(), t.values(), in.type().dtype() == DType.F32 && !f64));
            eval.add("--input");
            eval.add(in.name() + "=" + npy);
            inputs.add(List.of(in.name(), npy.toString(), in.type().dtype().toString(), in.grad()));
            if (in.grad()) {
                grads.add(in.name());
            }
        }
        Map<String, Object> knobs = new LinkedHashMap<>();
        for (Object k : (List<?>) entry.get("knobs")) {
            Map<?, ?> knob = (Map<?, ?>) k;
            double v = ((Number) knob.get("default")).doubleValue();
            if (f64 && "f32".equals(knob.get("dtype")) && !(Boolean) knob.get("fixed") && v != 0) {
                knobs.put((String) knob.get("python"), v / 2);
                eval.add("--set");
                eval.add(knob.get("name") + "=" + v / 2);
            }
        }
        if (objective) {
            eval.add("--grad");
        }
        if (f64) {
            eval.add("--dtype");
            eval.add("f64");
        }
        CliTest.Run r = CliTest.rlo(eval.toArray(String[]::new));
        assertEquals(0, r.code(), label + ": " + r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = (Map<String, Object>) Json.parse(r.out(), "rlo eval");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("module", dir.resolve("modules").resolve((String) entry.get("artifact")).toString());
        c.put("function", entry.get("python"));
        c.put("objective", objective);
        c.put("knobs", knobs);
        c.put("inputs", inputs);
        c.put("out", out.toString());
        spec.add(c);
        return new Case(label, out, expected, objective, grads, f64);
    }

    private static void compare(Case c, String dialect) throws IOException {
        Path error = c.out().resolve("error.txt");
        assertFalse(Files.exists(error), () -> c.label() + " raised:\n" + read(error));
        double tolerance = c.f64() ? 1e-12 : 1e-5;
        if (!c.objective()) {
            close(c, "result", c.expected().get("result"), tolerance);
            return;
        }
        assertEquals(c.grads(), List.copyOf(((Map<?, ?>) c.expected().get("grads")).keySet()), c.label() + ": rlo eval's gradients");
        close(c, "loss", c.expected().get("loss"), tolerance);
        ((Map<?, ?>) c.expected().get("reports")).forEach((k, v) -> close(c, "report_" + k, v, tolerance));
        ((Map<?, ?>) c.expected().get("grads")).forEach((k, v) -> {
            close(c, "grad_" + k, v, tolerance);
            if (dialect.equals("torch")) {
                close(c, "autograd_" + k, v, tolerance);
            }
        });
    }

    /** The saved array {@code name} against a tensor of rlo eval's JSON. */
    private static void close(Case c, String name, Object expected, double tolerance) {
        double[] want = values(expected);
        Path file = c.out().resolve(name + ".npy");
        assertTrue(Files.exists(file), c.label() + ": no " + name);
        double[] got = Npy.read(file).values();
        assertEquals(want.length, got.length, c.label() + " " + name + ": number of elements");
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            double g = got[i];
            boolean same = Double.isNaN(w) ? Double.isNaN(g) : Double.isInfinite(w) ? w == g : Math.abs(w - g) <= tolerance * Math.max(1, Math.abs(w));
            assertTrue(same, String.format(Locale.ROOT, "%s %s[%d]: rlo eval %s, Python %s", c.label(), name, i, w, g));
        }
    }

    /** A tensor of rlo eval's JSON: a bare number or boolean, or {dims, shape, data}; NaN and ∞ are strings. */
    private static double[] values(Object t) {
        List<?> data = t instanceof Map<?, ?> m ? (List<?>) m.get("data") : List.of(t);
        return data.stream().mapToDouble(PythonParityTest::number).toArray();
    }

    private static double number(Object v) {
        return switch (v) {
            case Number n -> n.doubleValue();
            case Boolean b -> b ? 1 : 0;
            case String s -> Double.parseDouble(s);
            default -> throw new IllegalArgumentException(String.valueOf(v));
        };
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
