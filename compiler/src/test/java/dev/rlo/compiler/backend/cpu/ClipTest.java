package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * clip on the fused CPU backend's vectors, bit for bit against Math.min(Math.max(x, lo), hi) in f32,
 * worked out by a loop here: between constant bounds it is compares and blends (spec/ir.md, *Clip*),
 * so the values at and around each bound and the signs of zeros are what this checks. 40 points: two
 * whole vectors of 16 or five of 8, and a tail.
 */
class ClipTest {

    /** Below, at and above each bound tried, and both zeros. */
    static final float[] PATTERN = {-2f, -1f, -0.5f, -0f, 0f, 0.5f, 0.8f, 0.79999995f, 1f, 1.2f, 1.2000000476837158f,
        1.5f, 2f, -1.0000001f, 3f, 0.99999994f};

    static float[] xs() {
        float[] x = new float[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = PATTERN[i % PATTERN.length];
        }
        return x;
    }

    /** clip(x, {@code lo}, {@code hi}) as the backend computes it, against the loop's, raw bits. */
    static void agrees(String lo, String hi, float loValue, float hiValue) {
        Compiler c = Rlo.source("""
                objective probe(x: f32[N] grad, bound: f32) {
                  report r = clip(x, %s, %s)
                  sum(x)
                }
                """.formatted(lo, hi));
        CompiledObjective o = c.compile("probe", Map.of(), false, new CpuBackend());
        float[] x = xs();
        double[] in = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = x[i];
        }
        Tensor xt = Rlo.t(DType.F32, "N", Rlo.shape(x.length), in);
        double[] got = o.run(Map.of("x", xt, "bound", Tensor.scalar(DType.F32, 1.5))).reports().get("r").values();
        for (int i = 0; i < x.length; i++) {
            float want = Math.min(Math.max(x[i], loValue), hiValue);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits((float) got[i]),
                    "clip(" + x[i] + ", " + lo + ", " + hi + "): want " + want + ", got " + (float) got[i]);
        }
    }

    @Test
    void betweenConstantBoundsEveryValueAndZeroSignIsMathMaxThenMin() {
        agrees("0", "1", 0f, 1f);
        agrees("-1", "0", -1f, 0f);
        agrees("1 - 0.2", "1 + 0.2", 0.8f, 1.2f);
        agrees("-0.0", "1", -0f, 1f);
        agrees("-1", "-0.0", -1f, -0f);
        agrees("-0.5", "0.5", -0.5f, 0.5f);
    }

    @Test
    void boundsOutOfOrderOrNotConstantKeepMaxThenMin() {
        agrees("2", "1", 2f, 1f);
        agrees("0", "0", 0f, 0f);
        agrees("0", "bound", 0f, 1.5f);
    }
}
