package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CompiledObjective#runReusing}: the same values as {@link CompiledObjective#run}, written
 * into the previous run's arrays (loss, reports and gradients) while the inputs' shapes stay, and
 * into new ones when a size changes.
 */
class RunReusingTest {

    static final String SRC = """
            objective squares(x: f32[N] grad) {
              report top = max(x, over: N)
              sum(x * x) / 2
            }
            """;

    static Tensor ramp(int n, double from) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + i;
        }
        return Tensor.of(DType.F32, List.of("N"), new long[] {n}, v);
    }

    @Test
    void reusesItsArraysWhileTheShapesStay() {
        Compiler c = Rlo.source(SRC);
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        CompiledObjective.Result first = o.runReusing(Map.of("x", ramp(5, 0)));
        var loss = first.loss().data();
        var top = first.reports().get("top").data();
        var grad = first.grads().get("x").data();

        CompiledObjective.Result second = o.runReusing(Map.of("x", ramp(5, 1)));
        CompiledObjective.Result fresh = o.run(Map.of("x", ramp(5, 1)));
        assertSame(loss, second.loss().data());
        assertSame(top, second.reports().get("top").data());
        assertSame(grad, second.grads().get("x").data());
        /* 1 + 4 + 9 + 16 + 25 halved, by hand */
        assertEquals(27.5, second.loss().item());
        assertEquals(fresh.reports().get("top").item(), second.reports().get("top").item());
        assertArrayEquals(fresh.grads().get("x").values(), second.grads().get("x").values());

        CompiledObjective.Result longer = o.runReusing(Map.of("x", ramp(7, 0)));
        assertNotSame(grad, longer.grads().get("x").data());
        assertEquals(7, longer.grads().get("x").values().length);
        assertEquals(45.5, longer.loss().item());
    }
}
