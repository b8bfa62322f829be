package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Binding inputs call after call (Inputs.Binder): a call in the shapes of the last one reuses its
 * sizes, so these check what must still happen on every call — its own values, new sizes for a new
 * shape, the index check, permuted and converted inputs, unknown and missing inputs refused. The
 * expected loss and gradient are worked out by a loop here.
 */
class BindingRepeatsTest {

    static final String SRC = """
            objective q_loss(q: f32[B,A] grad, action: i32[B], target: f32[B]) {
              mean((q[A = action] - target) ** 2)
            }
            """;

    static final int A = 3;

    final CompiledObjective o = compile();

    static CompiledObjective compile() {
        Compiler c = Rlo.source(SRC);
        return c.compile(c.objective(null), Map.of(), false, new CpuBackend());
    }

    record Batch(double[] q, double[] action, double[] target) {
        static Batch random(int b, long seed) {
            Random r = new Random(seed);
            double[] q = new double[b * A];
            double[] action = new double[b];
            double[] target = new double[b];
            for (int i = 0; i < b; i++) {
                for (int a = 0; a < A; a++) {
                    q[i * A + a] = (float) r.nextGaussian();
                }
                action[i] = r.nextInt(A);
                target[i] = (float) r.nextGaussian();
            }
            return new Batch(q, action, target);
        }

        int size() {
            return target.length;
        }

        Map<String, Tensor> inputs() {
            return Map.of("q", Tensor.of(DType.F32, List.of("B", "A"), new long[] {size(), A}, q),
                    "action", Tensor.of(DType.I32, List.of("B"), new long[] {size()}, action),
                    "target", Tensor.of(DType.F32, List.of("B"), new long[] {size()}, target));
        }

        /** mean_b (q[b, action_b] − target_b)², in f64. */
        double loss() {
            double s = 0;
            for (int i = 0; i < size(); i++) {
                double d = q[i * A + (int) action[i]] - target[i];
                s += d * d;
            }
            return s / size();
        }

        /** d loss / d q: 2 (q[b, action_b] − target_b) / B at the taken action, 0 elsewhere. */
        double[] grad() {
            double[] g = new double[q.length];
            for (int i = 0; i < size(); i++) {
                int a = (int) action[i];
                g[i * A + a] = 2 * (q[i * A + a] - target[i]) / size();
            }
            return g;
        }
    }

    void agrees(Batch batch, Map<String, Tensor> inputs) {
        CompiledObjective.Result r = o.run(inputs);
        assertEquals(batch.loss(), r.loss().item(), 1e-5 * Math.max(1, batch.loss()));
        assertEquals(List.of("B", "A"), r.grads().get("q").dims());
        assertArrayEquals(batch.grad(), r.grads().get("q").values(), 1e-6);
    }

    @Test
    void eachCallInTheLastCallsShapesGetsItsOwnValues() {
        for (long seed = 1; seed <= 3; seed++) {
            Batch batch = Batch.random(8, seed);
            agrees(batch, batch.inputs());
        }
    }

    @Test
    void aNewShapeGetsItsOwnSizes() {
        for (int b : new int[] {8, 5, 8, 1, 5}) {
            Batch batch = Batch.random(b, b);
            agrees(batch, batch.inputs());
            assertEquals(b, o.run(batch.inputs()).grads().get("q").size("B"));
        }
    }

    @Test
    void indicesAreCheckedOnEveryCall() {
        Batch good = Batch.random(8, 1);
        agrees(good, good.inputs());
        Batch bad = Batch.random(8, 2);
        bad.action()[5] = A + 2;
        UserError e = assertThrows(UserError.class, () -> o.run(bad.inputs()));
        assertTrue(e.getMessage().contains("has the index 5"), e.getMessage());
        agrees(good, good.inputs());
    }

    @Test
    void inputsInAnotherOrderOrDtypeAreStillPermutedAndConverted() {
        Batch batch = Batch.random(8, 4);
        agrees(batch, batch.inputs());
        Map<String, Tensor> other = new HashMap<>(batch.inputs());
        double[] byAction = new double[batch.q().length];
        for (int i = 0; i < batch.size(); i++) {
            for (int a = 0; a < A; a++) {
                byAction[a * batch.size() + i] = batch.q()[i * A + a];
            }
        }
        other.put("q", Tensor.of(DType.F32, List.of("A", "B"), new long[] {A, batch.size()}, byAction));
        other.put("target", Tensor.of(DType.F64, List.of("B"), new long[] {batch.size()}, batch.target()));
        agrees(batch, other);
        agrees(batch, batch.inputs());
    }

    @Test
    void unknownAndMissingInputsAreStillRefused() {
        Batch batch = Batch.random(8, 5);
        agrees(batch, batch.inputs());
        Map<String, Tensor> extra = new HashMap<>(batch.inputs());
        extra.put("z", batch.inputs().get("target"));
        assertTrue(assertThrows(UserError.class, () -> o.run(extra)).getMessage().contains("unknown input `z`"));
        Map<String, Tensor> missing = new HashMap<>(batch.inputs());
        missing.remove("target");
        assertTrue(assertThrows(UserError.class, () -> o.run(missing)).getMessage().contains("missing input `target`"));
    }
}
