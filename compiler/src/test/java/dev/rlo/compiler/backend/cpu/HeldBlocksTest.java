package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.types.DType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rows of one or two blocks of 8 across lanes (K = 8, 16), whose block sums are held in f32
 * ({@link KernelForm#HELD}, spec/ir.md#paired-sums), give the bits the f64 lanes give. Goldens are
 * worked out here by loops: the sums in the documented paired order
 * ({@link PairedSumsTest#pairedF64}), a mean by Java's own f64 division, each rounded once to f32;
 * compared raw bits, whole and split among threads.
 */
class HeldBlocksTest {

    static final String SOURCE = """
            objective sums(x: f32[G,K] grad) {
              report m = mean(x, over: K)
              report s = sum(x, over: K)
              report z = sum(x * -0.0, over: K)
              report mz = mean(x * -0.0, over: K)
              sum(x)
            }
            """;

    /**
     * The bits of a normal f32 near 1.6·10⁻³⁷ that, plus 7 least subnormals, rounds to f32 and then
     * to a subnormal sixteenth otherwise than the exact sum's sixteenth rounds (found by a search
     * with exact fractions): the mean of two blocks must not round twice.
     */
    static final int TWICE_ROUNDED = 39020390;

    /**
     * The edges where the held blocks hand over to the f64 lanes, a kind of row to each block of
     * 16 lanes: a first block whose pairs overflow f32 (±3·10³⁸, whose f64 sum is 0); a second
     * such block after a first, of terms near 10²⁹, was held; two finite blocks whose f32 sum
     * overflows (the mean is finite); a sum below 2⁻¹²² whose subnormal mean f32 would round
     * twice; sums of exactly 0 within and across blocks; sums of −0 terms (x · −0 for x > 0),
     * which are +0 as the f64 lanes, starting at +0, make them; and plain rows.
     */
    @Test
    void heldBlocksGiveTheBitsOfTheF64Lanes() {
        PairedSumsTest.inParts(() -> {
            for (int k : new int[] {8, 16}) {
                Random r = new Random(k);
                float[][] x = new float[8 * 16][k];
                for (int i = 0; i < x.length; i++) {
                    for (int j = 0; j < k; j++) {
                        float v = (float) r.nextGaussian();
                        boolean second = j >= k - 8;
                        x[i][j] = switch (i / 16) {
                            case 0 -> j < 8 ? (j % 4 < 2 ? 3e38f : -3e38f) : v;
                            case 1 -> second ? (j % 4 < 2 ? 3e38f : -3e38f) : v * 1e29f;
                            case 2 -> 2.5e37f;
                            case 3 -> j == 0 ? Float.intBitsToFloat(TWICE_ROUNDED + i % 16) : j == k - 8 ? Float.intBitsToFloat(7) : 0f;
                            case 4 -> j % 2 == 0 ? 1.5f + i : -(1.5f + i);
                            case 5 -> j < k / 2 ? 0.1f * i : -0.1f * i;
                            case 6 -> 1f + j;
                            default -> v;
                        };
                    }
                }
                check(x);
            }
        });
    }

    /** Runs sums over rows {@code x} and checks each row's mean and sums, raw bits. */
    static void check(float[][] x) {
        int g = x.length, k = x[0].length;
        double[] flat = new double[g * k];
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < k; j++) {
                flat[i * k + j] = x[i][j];
            }
        }
        var reports = Rlo.source(SOURCE).compile("sums", Map.of(), false, new CpuBackend())
                .run(Map.of("x", Rlo.t(DType.F32, "G,K", Rlo.shape(g, k), flat))).reports();
        double[] m = reports.get("m").values();
        double[] s = reports.get("s").values();
        double[] z = reports.get("z").values();
        double[] mz = reports.get("mz").values();
        for (int i = 0; i < g; i++) {
            float[] zeros = new float[k];
            for (int j = 0; j < k; j++) {
                zeros[j] = x[i][j] * -0f;
            }
            String at = "K = " + k + ", row " + i;
            same((float) (PairedSumsTest.pairedF64(x[i]) / k), m[i], at + ": mean");
            same(PairedSumsTest.paired(x[i]), s[i], at + ": sum");
            same(PairedSumsTest.paired(zeros), z[i], at + ": sum of x · −0");
            same((float) (PairedSumsTest.pairedF64(zeros) / k), mz[i], at + ": mean of x · −0");
        }
    }

    static void same(float want, double got, String what) {
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits((float) got), what + ": want " + want + ", got " + got);
    }
}
