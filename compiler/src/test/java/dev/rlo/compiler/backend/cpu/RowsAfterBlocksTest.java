package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.types.DType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Blocks of short rows across lanes (spec/ir.md, *Short rows across lanes*): a row mean divides
 * its f64 sum by K exactly, and a last phase run row by row, one block behind the phases across
 * lanes, writes every row of every block. Goldens are worked out here by loops: the sums in the
 * documented paired order ({@link PairedSumsTest#pairedF64}), then Java's own f64 division and
 * f32 arithmetic; compared raw bits, whole and split among threads.
 */
class RowsAfterBlocksTest {

    static final String SOURCE = """
            objective norm(x: f32[G,K] grad) {
              report m = mean(x, over: K)
              report a = (x - mean(x, over: K)) / (sum(x * x, over: K) + 1.0)
              sum(x)
            }
            objective outer(x: f32[B,G,K] grad) {
              report a = (x - mean(x, over: K)) / (sum(x * x, over: K) + 1.0)
              sum(x)
            }
            """;

    /**
     * K a power of two and not, G a whole number of blocks and not (the last block overlaps the one
     * before), from one block to several; the means of rows of tiny values are subnormal in f32.
     */
    @Test
    void meansAndRowsByRowsAgreeBitForBit() {
        PairedSumsTest.inParts(() -> {
            int subnormal = 0;
            for (int k : new int[] {8, 12, 16, 19, 32}) {
                for (int g : new int[] {16, 17, 40, 64}) {
                    subnormal += check(g, k, new Random(31L * g + k));
                }
            }
            assertTrue(subnormal > 10, "some means should be subnormal, but " + subnormal + " were");
        });
    }

    /** Blocks of rows inside a loop over an outer dimension: each B starts its blocks (and the rows one behind) afresh. */
    @Test
    void rowsByRowsUnderAnOuterDimension() {
        PairedSumsTest.inParts(() -> {
            int b = 3, g = 17, k = 16;
            Random r = new Random(7);
            float[][] x = new float[b * g][k];
            double[] flat = new double[b * g * k];
            for (int i = 0; i < b * g; i++) {
                for (int j = 0; j < k; j++) {
                    x[i][j] = (float) r.nextGaussian();
                    flat[i * k + j] = x[i][j];
                }
            }
            CompiledObjective o = Rlo.source(SOURCE).compile("outer", Map.of(), false, new CpuBackend());
            double[] a = o.run(Map.of("x", Rlo.t(DType.F32, "B,G,K", Rlo.shape(b, g, k), flat))).reports().get("a").values();
            for (int i = 0; i < b * g; i++) {
                float mean = (float) (PairedSumsTest.pairedF64(x[i]) / k);
                float[] squares = new float[k];
                for (int j = 0; j < k; j++) {
                    squares[j] = x[i][j] * x[i][j];
                }
                float scale = PairedSumsTest.paired(squares) + 1f;
                for (int j = 0; j < k; j++) {
                    float want = (x[i][j] - mean) / scale;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits((float) a[i * k + j]),
                            "B = " + i / g + ", G = " + i % g + ", column " + j + ": want " + want + ", got " + a[i * k + j]);
                }
            }
        });
    }

    /** Runs norm over g × k values and checks each mean and advantage; returns how many means were subnormal. */
    static int check(int g, int k, Random r) {
        float[][] x = new float[g][k];
        double[] flat = new double[g * k];
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < k; j++) {
                /* every fifth row tiny: multiples of the least subnormal, whose means are subnormal */
                x[i][j] = i % 5 == 4 ? Float.MIN_VALUE * (1 + r.nextInt(40)) : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
                flat[i * k + j] = x[i][j];
            }
        }
        CompiledObjective o = Rlo.source(SOURCE).compile("norm", Map.of(), false, new CpuBackend());
        var reports = o.run(Map.of("x", Rlo.t(DType.F32, "G,K", Rlo.shape(g, k), flat))).reports();
        double[] m = reports.get("m").values();
        double[] a = reports.get("a").values();
        int subnormal = 0;
        for (int i = 0; i < g; i++) {
            float mean = (float) (PairedSumsTest.pairedF64(x[i]) / k);
            float[] squares = new float[k];
            for (int j = 0; j < k; j++) {
                squares[j] = x[i][j] * x[i][j];
            }
            float scale = PairedSumsTest.paired(squares) + 1f;
            String at = "G = " + g + ", K = " + k + ", row " + i;
            assertEquals(Float.floatToRawIntBits(mean), Float.floatToRawIntBits((float) m[i]), at + ": mean " + mean + ", got " + m[i]);
            for (int j = 0; j < k; j++) {
                float want = (x[i][j] - mean) / scale;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits((float) a[i * k + j]), at + ", column " + j + ": want " + want + ", got " + a[i * k + j]);
            }
            if (mean != 0 && Math.abs(mean) < Float.MIN_NORMAL) {
                subnormal++;
            }
        }
        return subnormal;
    }
}
