package dev.rlo.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A graph's outputs are typed by kind ({@link Output}), so no code splits {@code report:} or
 * {@code grad:} off a key any more (issue 18): lowering, autodiff, the backends and the runner all
 * ask by kind and name, and the text is only printed.
 */
class OutputTest {

    static final String SOURCE = """
            objective o(x: f32[B] grad, w: f32[B], y: f32[B] grad) {
              report twice = sum(2 * x)
              report width = mean(w, over: B)
              sum(x * w + y)
            }
            """;

    @Test
    void lowerAndAutodiffMakeTheLossTheReportsAndTheGradientsInOrder() {
        Graph g = Rlo.source(SOURCE).graph("o", Map.of(), true, true);
        assertEquals(List.of(Output.LOSS, Output.report("twice"), Output.report("width"), Output.grad("x"), Output.grad("y")),
                List.copyOf(g.outputs().keySet()));
        assertEquals(List.of("twice", "width"), g.names(Output.Kind.REPORT));
        assertEquals(List.of("x", "y"), g.names(Output.Kind.GRAD));
        assertEquals(List.of("loss", "report:twice", "report:width", "grad:x", "grad:y"),
                g.outputs().keySet().stream().map(Output::toString).toList());
        assertEquals("report twice", Output.report("twice").label());
    }

    /** x = [1, 2], w = [3, -1], y = [0.5, 0.5]: loss = 1·3 + 2·(-1) + 1 = 2; d/dx = w, d/dy = 1 (by hand). */
    @Test
    void aRunSortsItsOutputsByKind() {
        CompiledObjective o = Rlo.source(SOURCE).compile("o", Map.of(), true, new ReferenceBackend());
        Tensor x = Tensor.of(DType.F64, List.of("B"), new long[] {2}, new double[] {1, 2});
        Tensor w = Tensor.of(DType.F64, List.of("B"), new long[] {2}, new double[] {3, -1});
        Tensor y = Tensor.of(DType.F64, List.of("B"), new long[] {2}, new double[] {0.5, 0.5});
        CompiledObjective.Result r = o.run(Map.of("x", x, "w", w, "y", y));
        assertEquals(2, r.loss().item());
        assertEquals(List.of("twice", "width"), List.copyOf(r.reports().keySet()));
        assertEquals(6, r.reports().get("twice").item());
        assertEquals(1, r.reports().get("width").item());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3, -1}, r.grads().get("x").values());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 1}, r.grads().get("y").values());
    }

    /** The text of a report or gradient output is spelled in one place: no source splits it again. */
    @Test
    void onlyOutputSpellsTheKindsText() throws IOException {
        List<String> spelling = new ArrayList<>();
        for (String root : List.of("src/main", "../runtime/src/main", "../cli/src/main",
                "../cli/sweep/src/main", "../cli/maven-plugin/src/main")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    if ((text.contains("\"report:") || text.contains("\"grad:")) && !f.endsWith("ir/Output.java")) {
                        spelling.add(f.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), spelling);
    }
}
