package dev.rlo.compiler;

import static dev.rlo.compiler.Rlo.f64;
import static dev.rlo.compiler.Rlo.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An objective called from another keeps its reports: they join the caller's, named after the callee
 * ({@code inner.m}), a second call numbered ({@code inner#2.m}), through fns and nested objectives
 * (spec/syntax.md#report). Before, lowering dropped them. Values worked by hand for x = [1, 2, 3].
 */
class CalledReportsTest {

    static final String SRC = """
            objective inner(x: f64[B] grad, k = 2.0) {
              report m = mean(x)
              report top = max(x)
              k * mean(x)
            }

            fn through(v: f64[B]) -> f64 {
              inner(v)
            }

            objective mid(x: f64[B] grad) {
              report low = min(x)
              inner(x)
            }

            objective outer(x: f64[B] grad) {
              report own = sum(x)
              inner(x) + inner(x * 2, k: 3.0)
            }

            objective viafn(x: f64[B] grad) {
              through(x)
            }

            objective nested(x: f64[B] grad) {
              mid(x)
            }

            objective plain(x: f64[B] grad) {
              inner(x)
            }
            """;

    static final Tensor X = f64("B", shape(3), 1, 2, 3);

    private static Map<String, Double> reports(String objective) {
        Map<String, Double> ref = run(objective, new ReferenceBackend());
        assertEquals(ref, run(objective, new CpuBackend()), "the cpu backend agrees");
        return ref;
    }

    private static Map<String, Double> run(String objective, dev.rlo.compiler.backend.Backend b) {
        CompiledObjective o = Rlo.source(SRC).compile(objective, Map.of(), true, b);
        CompiledObjective.Result r = o.run(Map.of("x", X));
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", r.loss().item());
        r.reports().forEach((name, t) -> out.put(name, t.item()));
        return out;
    }

    @Test
    void callsAddTheCalleesReportsUnderItsName() {
        /* inner(x): mean 2, max 3, loss 2·2 = 4; inner(2x, k: 3): mean 4, max 6, loss 3·4 = 12; own Σx = 6 */
        assertEquals(Map.of("loss", 16.0, "own", 6.0, "inner.m", 2.0, "inner.top", 3.0, "inner#2.m", 4.0, "inner#2.top", 6.0),
                reports("outer"));
        assertEquals(List.of("own", "inner.m", "inner.top", "inner#2.m", "inner#2.top"), List.copyOf(reports("outer").keySet()).subList(1, 6),
                "in the order of the body");
    }

    @Test
    void aFnIsTransparentAndNestedObjectivesChainTheirNames() {
        assertEquals(Map.of("loss", 4.0, "inner.m", 2.0, "inner.top", 3.0), reports("viafn"));
        assertEquals(Map.of("loss", 4.0, "mid.low", 1.0, "mid.inner.m", 2.0, "mid.inner.top", 3.0), reports("nested"));
        assertEquals(Map.of("loss", 4.0, "inner.m", 2.0, "inner.top", 3.0), reports("plain"));
    }

    @Test
    void theCalleesOwnReportsAreUnqualifiedWhenItIsTheObjective() {
        assertEquals(Map.of("loss", 4.0, "m", 2.0, "top", 3.0), reports("inner"));
    }
}
