package dev.rlo.compiler.truffle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;

/** rlo through the polyglot API: {@code Context.eval("rlo", …)}, on the optimizing runtime. */
class RloLanguageTest {

    static final String SOURCE = """
            objective squares(x: f32[N] grad) {
              report twice = x * 2
              sum(x * x) / 2
            }
            """;

    static Tensor x() {
        return Tensor.of(DType.F32, List.of("N"), new long[] {3}, new double[] {1, -2, 3});
    }

    @Test
    void objectivesRunFromTheModuleAnEvalReturns() {
        try (Context ctx = Context.newBuilder(RloLanguage.ID).allowHostAccess(HostAccess.ALL).build()) {
            Value module = ctx.eval(RloLanguage.ID, SOURCE);
            assertEquals(List.of("squares"), List.of(module.getMemberKeys().toArray()));
            @SuppressWarnings("unchecked")
            Map<String, Tensor> out = module.getMember("squares").execute(Map.of("x", x())).asHostObject();
            /* sum(x²)/2 = (1 + 4 + 9)/2; its gradient is x; the report is 2x */
            assertEquals(7.0, out.get("loss").item());
            assertArrayEquals(new double[] {1, -2, 3}, out.get("grad:x").values());
            assertArrayEquals(new double[] {2, -4, 6}, out.get("report:twice").values());
        }
    }

    @Test
    void mistakesSurfaceAsGuestErrorsWithRlosMessages() {
        try (Context ctx = Context.newBuilder(RloLanguage.ID).allowHostAccess(HostAccess.ALL).build()) {
            PolyglotException check = assertThrows(PolyglotException.class,
                    () -> ctx.eval(RloLanguage.ID, "objective bad(x: f32[N] grad) {\n  sum(y)\n}\n"));
            assertTrue(check.isGuestException());
            assertTrue(check.getMessage().contains("error[E"), check.getMessage());
            Value squares = ctx.eval(RloLanguage.ID, SOURCE).getMember("squares");
            PolyglotException input = assertThrows(PolyglotException.class, () -> squares.execute(Map.of()));
            assertEquals("missing input `x`: expected f32[N]", input.getMessage());
        }
    }

    /**
     * The engine is the optimizing one (a set-up mistake falls back to the interpreter, silently
     * slow), and an objective's root node, which launches its kernels, is compiled by Graal.
     */
    @Test
    void objectiveRootsAreCompiledOnGraalVmCe() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Context ctx = Context.newBuilder(RloLanguage.ID).allowHostAccess(HostAccess.ALL).allowExperimentalOptions(true)
                .option("engine.CompileImmediately", "true").option("engine.BackgroundCompilation", "false")
                .option("engine.TraceCompilation", "true").logHandler(log).build()) {
            assertEquals("GraalVM CE", ctx.getEngine().getImplementationName());
            Value squares = ctx.eval(RloLanguage.ID, SOURCE).getMember("squares");
            Map<String, Tensor> inputs = Map.of("x", x());
            for (int i = 0; i < 3; i++) {
                squares.execute(inputs);
            }
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        assertTrue(trace.lines().anyMatch(l -> l.contains("opt done") && l.contains("rlo objective squares")), trace);
    }

    /**
     * No class Graal partially evaluates may reach the Vector API: compiled by Graal CE it runs about
     * 12× slower, silently. The language's classes must not even name it; kernels sit behind boundaries.
     */
    @Test
    void noTruffleClassNamesTheVectorApi() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(RloLanguage.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/rlo/compiler/truffle");
        try (var files = java.nio.file.Files.list(dir)) {
            List<java.nio.file.Path> classes = files.filter(f -> f.toString().endsWith(".class")).toList();
            assertTrue(classes.size() >= 5, classes.toString());
            for (java.nio.file.Path c : classes) {
                String bytes = new String(java.nio.file.Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
                assertTrue(!bytes.contains("jdk/incubator/vector"), c + " refers to the Vector API");
            }
        }
    }
}
