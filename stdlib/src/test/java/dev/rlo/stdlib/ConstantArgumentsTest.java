package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Constants where a tensor parameter is declared broadcast to it, and hyper-parameter arithmetic
 * passes as a constant (issue 15): each call must equal the same call written out, with the tensor
 * of constants and the computed value, on every backend.
 */
class ConstantArgumentsTest {

    @Test
    void aConstantArgumentIsItsTensorAndHyperArithmeticIsItsValue() {
        String src = """
                import std.advantage.{gae}
                objective probe(r: f64[T], v: f64[T], nv: f64[T], never: bool[T], cut: bool[T], w: f64 grad, beta = 0.5) {
                  report short = gae(r, v, nv, false, cut, lambda: 1 - beta / 10)
                  report long = gae(r, v, nv, never, cut, lambda: 0.95)
                  report zero = gae(r, 0.0, nv, never, cut)
                  report zeros = gae(r, v * 0, nv, never, cut)
                  w
                }
                """;
        Map<String, Tensor> in = Map.of(
                "r", vec(DType.F64, 1, -2, 0.5, 3), "v", vec(DType.F64, 0.3, 0.1, -0.4, 2),
                "nv", vec(DType.F64, 0.1, -0.4, 2, 1), "never", vec(DType.BOOL, 0, 0, 0, 0),
                "cut", vec(DType.BOOL, 0, 1, 0, 0), "w", Tensor.scalar(DType.F64, 0));
        for (var backend : Backends.ALL) {
            var probe = Compiler.fromSource("probe.rlo", src, null, List.of()).compile("probe", Map.of(), true, backend);
            var reports = probe.run(in).reports();
            assertArrayEquals(reports.get("long").values(), reports.get("short").values(), 0.0, backend.name());
            assertArrayEquals(reports.get("zeros").values(), reports.get("zero").values(), 0.0, backend.name());
        }
    }

    private static Tensor vec(DType d, double... v) {
        return Tensor.of(d, List.of("T"), new long[] {v.length}, v);
    }
}
