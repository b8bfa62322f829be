package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.TypedProgramGenerator;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.grad.GradientTest;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused CPU backend against the reference backend, output by output, on the gradient cases of
 * every op (in f64, to 1e-9) and on random programs with random inputs and shapes, rows longer and shorter than a vector
 * (in f32, to 1e-4 relative): the property that makes the reference an oracle. A NaN must be a NaN in both.
 */
class CpuMatchesReferenceTest {

    static final int RANDOM_PROGRAMS = 40;
    static final long SEED = Long.getLong("fuzz.seed", System.currentTimeMillis());

    @TestFactory
    Stream<DynamicTest> everyOpsGradientCaseAgrees() {
        return GradientTest.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String weights = c.dims().isEmpty() ? "w: f64" : "w: f64[" + c.dims() + "]";
            String src = "objective grad_case(" + c.params() + ", " + weights + ") {\n  sum((" + c.expr() + ") * w)\n}\n"
                    + GradientTest.HELPERS;
            compare(new CpuBackend(), Rlo.source(src), "grad_case", Map.of(), true, 7, 1e-9);
        }));
    }

    /** The same with every kernel split among threads, however small: partial reductions, merges. */
    @Test
    void randomProgramsAgreeWhenSplitIntoParts() {
        System.setProperty("rlo.parts.min", "0");
        try {
            randomProgramsAgree();
        } finally {
            System.clearProperty("rlo.parts.min");
        }
    }

    /** The same with the scalar kernels a JVM without the Vector API gets. */
    @Test
    void randomProgramsAgreeWithScalarKernels() {
        System.setProperty("rlo.vector", "false");
        try {
            randomProgramsAgree();
        } finally {
            System.clearProperty("rlo.vector");
        }
    }

    /**
     * A gather whose index varies along the rows of a block across lanes: a masked max over A of a
     * sort along A, its lanes along T (the scan keeps the max in its own kernel). The sort's index
     * is read at each step of the row, not once before it (found by the random programs below: the
     * kernel did not compile).
     */
    @Test
    void aGatherAlongTheRowsOfABlockAcrossLanes() {
        String src = """
                objective gathered_rows(q: f32[B,A] grad, m: bool[B,T]) {
                  let rows = masked_max(sort(q, over: A), m, over: A)
                  mean(scan(rows, over: T, decay: 0.9, reverse: true))
                }
                """;
        for (long t : new long[] {3, 34}) {
            compare(new CpuBackend(), Rlo.source(src), "gathered_rows", Map.of("B", 4L, "T", t, "A", 37L), false, 5, 1e-4);
        }
    }

    /**
     * A max's gradient finds the maximum among values computed again in another kernel: a softmax
     * taken by a scalar loop for the max and by vector lanes for the gradient (F32Math; found by
     * the random programs: the gradient missed the maximum where the two exps differed by an ulp).
     */
    @Test
    void aMaxOfSoftmaxesGetsItsGradient() {
        String src = """
                objective max_of_softmax(q: f32[B,A] grad) {
                  mean(max(softmax(q, over: A), over: B))
                }
                """;
        for (long seed = 1; seed <= 5; seed++) {
            compare(new CpuBackend(), Rlo.source(src), "max_of_softmax", Map.of("B", 3L, "A", 38L), false, seed, 1e-4);
        }
    }

    @Test
    void randomProgramsAgree() {
        randomProgramsAgree(new CpuBackend(), RANDOM_PROGRAMS);
    }

    static void randomProgramsAgree(Backend fused, int programs) {
        Random random = new Random(SEED);
        for (int i = 0; i < programs; i++) {
            String program = new TypedProgramGenerator(random).program();
            /* rows longer than a vector, with tails, and rows shorter than one */
            Map<String, Long> sizes = Map.of("B", 2L + random.nextInt(4), "T", 1L + random.nextInt(70), "A", 1L + random.nextInt(40));
            try {
                compare(fused, Rlo.source(program), "random_case", sizes, false, random.nextLong(), 1e-4);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + SEED + ", sizes " + sizes + ", program:\n" + program + "\n" + e.getMessage(), e);
            }
        }
    }

    /** Runs {@code objective} on the reference and {@code fused} on the same random inputs and compares every output. */
    static void compare(Backend fused, Compiler c, String objective, Map<String, Long> sizes, boolean f64, long seed, double rtol) {
        Graph g = c.graph(objective, Map.of(), f64, true);
        Map<String, Tensor> inputs = Gradcheck.inputs(g, new Gradcheck.Options(sizes, seed, 0, 0, Map.of()));
        Map<Output, Tensor> want;
        try {
            want = new ReferenceBackend().compile(g).run(inputs);
        } catch (dev.rlo.compiler.base.UserError e) {
            return; /* e.g. an index out of range: the same error is checked elsewhere */
        }
        agree(objective, want, fused.compile(g).run(inputs), rtol);
    }

    /** Every output of {@code got} as the reference's {@code want}: NaN where it is NaN, else within {@code rtol} (relative, absolute below 1). */
    static void agree(String objective, Map<Output, Tensor> want, Map<Output, Tensor> got, double rtol) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, w) -> {
            Tensor h = got.get(name);
            assertEquals(w.dims(), h.dims(), name.toString());
            assertEquals(w.dtype(), h.dtype(), name.toString());
            double[] a = w.values();
            double[] b = h.values();
            for (int i = 0; i < a.length; i++) {
                boolean same = Double.isNaN(a[i]) ? Double.isNaN(b[i])
                        : a[i] == b[i] || Math.abs(a[i] - b[i]) <= rtol * Math.max(1, Math.abs(a[i]));
                int at = i;
                assertTrue(same, () -> objective + " output " + name + "[" + at + "]: reference " + a[at] + ", cpu " + b[at]);
            }
        });
    }
}
