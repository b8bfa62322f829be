package dev.rlo.compiler.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.backend.HostArrays;
import dev.rlo.compiler.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Host arrays start on a 64-byte boundary ({@link Tensor#allocate}); ND4J alone places them 16 or
 * 32 bytes past one (checked below, so that the test fails where alignment would come for free
 * and this code would be dead). The values read back are the ones written, by element.
 */
class TensorAllocateTest {

    private static long firstByte(INDArray a, DType d) {
        return HostArrays.segment(a, d).address();
    }

    @Test
    void arraysOfEveryDtypeStartOnA64ByteBoundary() {
        for (DType d : DType.values()) {
            for (long[] shape : new long[][] {{1}, {3, 5}, {62500, 16}, {2, 3, 7}}) {
                INDArray a = Tensor.allocate(d, shape);
                assertEquals(0, firstByte(a, d) % Tensor.ALIGNMENT, d + " " + java.util.Arrays.toString(shape));
                assertArrayEquals(shape, a.shape());
            }
        }
    }

    @Test
    void nd4jAloneDoesNotAlign() {
        long aligned = 0;
        for (long n : new long[] {3, 100, 1000, 62500}) {
            INDArray plain = org.nd4j.linalg.factory.Nd4j.createUninitialized(Tensor.storage(DType.F32), n, 16);
            aligned += firstByte(plain, DType.F32) % Tensor.ALIGNMENT == 0 ? 1 : 0;
        }
        assertTrue(aligned < 4, "ND4J aligned all four arrays by itself");
    }

    @Test
    void valuesWrittenAreTheValuesRead() {
        double[] v = {1.5, -2, 3.25, 0, 7, -0.5};
        Tensor f = Tensor.of(DType.F32, List.of("A", "B"), new long[] {2, 3}, v);
        assertArrayEquals(v, f.values());
        assertEquals(3.25, f.data().getDouble(0, 2));
        assertEquals(7.0, f.data().getDouble(1, 1));
        assertArrayEquals(new double[] {1, -2, 3, 0, 7, 0}, Tensor.of(DType.I32, List.of("N"), new long[] {6}, new double[] {1, -2, 3.4, 0, 7, -0.4}).values());
        assertArrayEquals(new double[] {1, 0, 1}, Tensor.of(DType.BOOL, List.of("N"), new long[] {3}, new double[] {1, 0, 1}).values());
    }

    @Test
    void scalarsAndEmptyArraysAreAllocatedToo() {
        assertEquals(0, Tensor.allocate(DType.F32, new long[0]).rank());
        assertEquals(0, Tensor.allocate(DType.F32, new long[] {0, 4}).length());
        assertEquals(2.5, Tensor.scalar(DType.F64, 2.5).item());
    }
}
