package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compiler's packages in layers, read from its class files with {@code jdeps}: a package may use
 * packages of lower layers only, so the phases stack without cycles and a backend never reaches back
 * into the front end. The table is the architecture; a new package takes its place in it.
 */
class LayersTest {

    /** Bottom to top; {@code ""} is the facade, {@code dev.rlo.compiler} itself. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("types", "source", "base"),         // vocabulary: dtypes and shapes, source text, user errors and limits
            Set.of("numerics", "ast", "tensor"),       // scalar maths, the syntax tree, runtime tensors
            Set.of("ir", "io"),                        // the IR and its ops; reading and writing files
            Set.of("diag", "grad", "fuse"),            // diagnostics; the VJP table; kernel plans
            Set.of("parse", "pass", "backend"),        // ANTLR to AST; IR passes; the backend interface and inputs
            Set.of("resolve", "backend.cpu", "backend.gpu", "backend.reference"),
            Set.of("check"),                           // names, types and named shapes
            Set.of("lower"),                           // checked AST to IR
            Set.of("backend.python"),                  // emitted modules (their knobs come from lowering)
            Set.of(""),                                // Compiler, Session, Pipeline, CompiledObjective, Gradcheck
            Set.of("truffle"));                        // the Truffle language over the facade

    static final Set<String> FRONT_END = Set.of("parse", "resolve", "check");

    @Test
    void everyPackageUsesOnlyLowerLayers() {
        Map<String, Set<String>> uses = uses();
        List<String> upward = new ArrayList<>();
        for (var e : uses.entrySet()) {
            int from = layer(e.getKey());
            for (String to : e.getValue()) {
                if (layer(to) >= from) {
                    upward.add(name(e.getKey()) + " -> " + name(to));
                }
            }
        }
        assertEquals(List.of(), upward, "imports that are not downward (LAYERS, bottom to top: " + LAYERS + ")");
    }

    /** The issue-18 rule, said on its own: the IR, autodiff, fusion and backends never see the front end. */
    @Test
    void theMiddleAndBackEndDoNotImportTheFrontEnd() {
        Map<String, Set<String>> uses = uses();
        for (var e : uses.entrySet()) {
            String p = e.getKey();
            if (p.equals("ir") || p.equals("grad") || p.equals("fuse") || p.equals("backend") || p.startsWith("backend.")) {
                Set<String> front = new TreeSet<>(e.getValue());
                front.retainAll(FRONT_END);
                assertEquals(Set.of(), front, p + " imports the front end");
            }
        }
    }

    @Test
    void theTableNamesEveryPackageAndNoOther() {
        Set<String> table = new TreeSet<>();
        LAYERS.forEach(table::addAll);
        assertEquals(table, uses().keySet());
    }

    private static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package " + name(pkg) + " has no layer in LayersTest.LAYERS");
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "dev.rlo.compiler" : pkg;
    }

    /** Each compiler package (relative name) and the other compiler packages its classes use. */
    private static Map<String, Set<String>> uses() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                "--ignore-missing-deps", "target/classes");
        assertEquals(0, rc, out.toString());
        Pattern edge = Pattern.compile("^\\s+dev\\.rlo\\.compiler\\.?(\\S*)\\s+->\\s+(?:dev\\.rlo\\.compiler\\.?(\\S*)\\s)?");
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String line : out.toString().lines().toList()) {
            Matcher m = edge.matcher(line);
            if (m.find()) {
                uses.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (m.group(2) != null && !m.group(1).equals(m.group(2))) {
                    uses.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return uses;
    }
}
