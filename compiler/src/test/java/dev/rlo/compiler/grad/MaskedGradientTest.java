package dev.rlo.compiler.grad;

import static dev.rlo.compiler.Rlo.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The branch a select does not take gets no gradient, even where its own derivative is ±∞ or NaN
 * (spec/ir.md#passes, autodiff): the cases below gave NaN before masks were carried, as they do in
 * JAX and PyTorch. Expected gradients are worked out by hand, next to each case.
 */
class MaskedGradientTest {

    static Stream<Backend> backends() {
        return Stream.of(new ReferenceBackend(), new CpuBackend());
    }

    static double[] grad(Backend backend, String params, String body, Map<String, Tensor> inputs) {
        Compiler c = Rlo.source("objective probe(" + params + ") {\n  " + body + "\n}\n");
        CompiledObjective o = c.compile("probe", Map.of(), false, backend);
        return o.run(new HashMap<>(inputs)).grads().get("x").values();
    }

    static Tensor x(double... v) {
        return Rlo.t(DType.F32, "N", shape(v.length), v);
    }

    /** x·log x with 0 where x ≤ 0 (an entropy term): d/dx = log x + 1 for x > 0, else 0; the untaken branch's log x + 1 is −∞ at 0 and NaN below. */
    @ParameterizedTest
    @MethodSource("backends")
    void anUntakenLogGivesZeroNotNaN(Backend backend) {
        double[] g = grad(backend, "x: f32[N] grad", "sum(where(x > 0, x * log(x), 0))", Map.of("x", x(0, 0.5, 2, -1)));
        assertArrayEquals(new double[] {0, Math.log(0.5) + 1, Math.log(2) + 1, 0}, g, 1e-6);
    }

    /** The same through a broadcast: the select is over [N, M], its condition over [N]; d/dx_n = Σ_m w_nm / x_n where x_n > 0. */
    @ParameterizedTest
    @MethodSource("backends")
    void theMaskHoldsAcrossASumOverABroadcast(Backend backend) {
        Tensor w = Rlo.t(DType.F32, "N,M", shape(3, 2), 1, 2, 3, 4, 5, 6);
        double[] g = grad(backend, "x: f32[N] grad, w: f32[N,M]", "sum(where(x > 0, log(x) * w, 0))", Map.of("x", x(0, 0.5, 2), "w", w));
        assertArrayEquals(new double[] {0, (3 + 4) / 0.5, (5 + 6) / 2.0}, g, 1e-6);
    }

    /** A clip's gradient is masked the same way: log x clipped to [−1, 1] has d/dx = 1/x inside, 0 outside, and x = 0 (log′ = ∞) is outside. */
    @ParameterizedTest
    @MethodSource("backends")
    void anUntakenClipBoundGivesZero(Backend backend) {
        double[] g = grad(backend, "x: f32[N] grad", "sum(clip(log(x), -1, 1))", Map.of("x", x(0, 1, 2, 10)));
        assertArrayEquals(new double[] {0, 1, 0.5, 0}, g, 1e-6);
    }

    /**
     * Both branches differentiable: the two cotangents, under c and not c, join as one select. The
     * gradient of Σ where(x > 0, x², eˣ) is where(x > 0, x + x, eˣ): one where, one add, no other.
     */
    @Test
    void complementaryBranchesJoinAsOneSelect() {
        Compiler c = Rlo.source("objective probe(x: f32[N] grad) {\n  sum(where(x > 0, x * x, exp(x)))\n}\n");
        CompiledObjective o = c.compile("probe", Map.of(), false, new ReferenceBackend());
        Node g = o.graph().output(Output.grad("x"));
        Map<Op, Integer> ops = new HashMap<>();
        countOps(g, ops, new java.util.HashSet<>());
        assertEquals(1, ops.getOrDefault(Op.WHERE, 0), ops::toString);
        assertEquals(1, ops.getOrDefault(Op.ADD, 0), ops::toString);
        double[] v = o.run(Map.of("x", x(-1, 0.5, 3))).grads().get("x").values();
        assertArrayEquals(new double[] {Math.exp(-1), 1, 6}, v, 1e-6);
    }

    /**
     * Conditions negated in the source, once and twice: the branches still join as one select on the
     * right side. ∂/∂x Σ where(not (x > 0), eˣ, x²) is eˣ where x ≤ 0, 2x where x > 0; the same with
     * alive = not (x > 0) and where(not alive, x², eˣ), whose condition is not not (x > 0), and with
     * the branches' contributions met in the other order.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void negatedConditionsJoinOnTheRightSide(Backend backend) {
        Map<String, Tensor> in = Map.of("x", x(-1, 0.5, 3));
        double[] want = {Math.exp(-1), 1, 6};
        assertArrayEquals(want, grad(backend, "x: f32[N] grad", "sum(where(not (x > 0), exp(x), x * x))", in), 1e-6);
        assertArrayEquals(want, grad(backend, "x: f32[N] grad", "let alive = not (x > 0)\n  sum(where(not alive, x * x, exp(x)))", in), 1e-6);
        /* eˣ made first (in the condition), so x²'s contribution, under not not c, is met first */
        assertArrayEquals(want, grad(backend, "x: f32[N] grad", "let alive = not (exp(x) > 1)\n  sum(where(not alive, x * x, exp(x)))", in), 1e-6);
    }

    private static void countOps(Node n, Map<Op, Integer> ops, java.util.Set<Node> seen) {
        if (seen.add(n)) {
            ops.merge(n.op(), 1, Integer::sum);
            n.inputs().forEach(i -> countOps(i, ops, seen));
        }
    }
}
