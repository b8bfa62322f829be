package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels' exp, log, log1p, expm1, tanh, sigmoid and softplus ({@link VectorMath}):
 * within 3 ulp of {@code Math}'s, computed in f64 and rounded, over inputs of every scale; and the
 * same bits on a kernel's first call, which starts in the interpreter, as once C2 has compiled it.
 */
class VectorMathTest {

    static final String FNS = """
            objective vector_math(x: f32[N]) {
              report e = exp(x)
              report l = log(x)
              report l1 = log1p(x)
              report em = expm1(x)
              report t = tanh(x)
              report s = sigmoid(x)
              report sp = softplus(x)
              sum(x)
            }
            """;

    static final Map<String, DoubleUnaryOperator> WANT = Map.of(
            "e", Math::exp, "l", Math::log, "l1", Math::log1p, "em", Math::expm1, "t", Math::tanh,
            "s", x -> 1 / (1 + Math.exp(-x)), "sp", x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));

    static Tensor inputs(int n) {
        Random r = new Random(5);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 6) {
                case 0 -> r.nextGaussian() * 3;
                case 1 -> r.nextGaussian() * 40;
                case 2 -> r.nextGaussian() * 1e-4;
                case 3 -> Math.exp(Math.max(-80, Math.min(80, r.nextGaussian() * 30)));
                case 4 -> -Math.exp(r.nextGaussian() * 10);
                default -> r.nextDouble() * 200 - 100;
            };
        }
        double[] special = {0, -0.0, 1, -1, 88.7, 88.73, -87.3, -87.4, -103, 1e-40, -1e-40, 9.1, -9.2, 20, 1e-30, 0.6249, 0.6251};
        System.arraycopy(special, 0, x, 0, special.length);
        return Tensor.of(DType.F32, List.of("N"), new long[] {n}, x);
    }

    @Test
    void withinThreeUlpOfMath() {
        Compiler c = Rlo.source(FNS);
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        Tensor x = inputs(1 << 16);
        double[] in = x.values();
        Map<String, Tensor> reports = o.run(Map.of("x", x)).reports();
        assertTrue(reports.keySet().containsAll(WANT.keySet()), reports.keySet().toString());
        reports.forEach((name, t) -> {
            DoubleUnaryOperator f = WANT.get(name);
            double[] got = t.values();
            for (int i = 0; i < in.length; i++) {
                double want = f.applyAsDouble((float) in[i]);
                float w = (float) want;
                boolean ok = Double.isNaN(want) ? Double.isNaN(got[i])
                        : Double.isInfinite(w) ? got[i] == w
                        : Math.abs(w) < Float.MIN_NORMAL ? Math.abs(got[i]) < Float.MIN_NORMAL
                        : Math.abs(got[i] - want) <= 3 * Math.ulp(w);
                int at = i;
                assertTrue(ok, () -> name + "(" + (float) in[at] + ") = " + got[at] + ", Math gives " + want);
            }
        });
    }

    @Test
    void theFirstCallGivesTheBitsOfACompiledKernel() {
        Compiler c = Rlo.source(FNS.replace("vector_math", "vector_math_first"));
        CompiledObjective o = c.compile(c.objective(null), Map.of(), false, new CpuBackend());
        Tensor x = inputs(1 << 14);
        Map<String, Tensor> first = o.run(Map.of("x", x)).reports();
        /* C2 takes the kernel's loop within a second or two of calls (C1 is excluded: C2Only) */
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            Map<String, Tensor> later = o.run(Map.of("x", x)).reports();
            for (String name : first.keySet()) {
                assertArrayEquals(first.get(name).values(), later.get(name).values(), name);
            }
        }
    }

    /**
     * The scalar kernels (F32Math) give the vector kernels' bits, NaN's included (a max's gradient
     * compares a value computed again in another kernel with the max taken of it). 1 << 16 + 5
     * values: the vector kernel's last lanes run its scalar code too.
     */
    @Test
    void scalarKernelsGiveTheVectorLanesBits() {
        Compiler c = Rlo.source(FNS.replace("vector_math", "vector_math_scalar"));
        Tensor x = inputs((1 << 16) + 5);
        Map<String, Tensor> vector = c.compile(c.objective(null), Map.of(), false, new CpuBackend()).run(Map.of("x", x)).reports();
        Map<String, Tensor> scalar;
        System.setProperty("rlo.vector", "false");
        try {
            scalar = c.compile(c.objective(null), Map.of(), false, new CpuBackend()).run(Map.of("x", x)).reports();
        } finally {
            System.clearProperty("rlo.vector");
        }
        double[] in = x.values();
        for (String name : WANT.keySet()) {
            double[] v = vector.get(name).values();
            double[] s = scalar.get(name).values();
            for (int i = 0; i < in.length; i++) {
                int at = i;
                assertTrue(Float.floatToRawIntBits((float) v[i]) == Float.floatToRawIntBits((float) s[i]) || Double.isNaN(v[i]) && Double.isNaN(s[i]),
                        () -> name + "(" + (float) in[at] + "): vector " + v[at] + ", scalar " + s[at]);
            }
        }
    }
}
