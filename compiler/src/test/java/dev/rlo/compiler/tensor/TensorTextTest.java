package dev.rlo.compiler.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.types.DType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tensors as text. Above the limit a tensor prints as NumPy summarises one; the expected strings
 * are NumPy's own, from
 * {@code np.array2string(np.arange(n, dtype=np.int32).reshape(shape) + offset, separator=', ',
 * threshold=64, edgeitems=3)}, after the named shape.
 */
class TensorTextTest {

    /** 0, 1, 2, … plus {@code offset}, as i32 over {@code dims} of {@code shape}. */
    private static Tensor arange(String dims, int offset, long... shape) {
        double[] v = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        Arrays.setAll(v, i -> i + offset);
        return Tensor.of(DType.I32, List.of(dims.split(",")), shape, v);
    }

    @Test
    void aboveTheLimitTensorsPrintAsNumPySummarisesThem() {
        assertEquals("i32[B=100, T=10] =\n[[  0,   1,   2, ...,   7,   8,   9],\n [ 10,  11,  12, ...,  17,  18,  19],\n [ 20,  21,  22, ...,  27,  28,  29],\n ...,\n [970, 971, 972, ..., 977, 978, 979],\n [980, 981, 982, ..., 987, 988, 989],\n [990, 991, 992, ..., 997, 998, 999]]",
                TensorText.format(arange("B,T", 0, 100, 10), 64));
        assertEquals("i32[G=2, K=3, L=20] =\n[[[  0,   1,   2, ...,  17,  18,  19],\n  [ 20,  21,  22, ...,  37,  38,  39],\n  [ 40,  41,  42, ...,  57,  58,  59]],\n\n [[ 60,  61,  62, ...,  77,  78,  79],\n  [ 80,  81,  82, ...,  97,  98,  99],\n  [100, 101, 102, ..., 117, 118, 119]]]",
                TensorText.format(arange("G,K,L", 0, 2, 3, 20), 64));
        assertEquals("i32[N=100] =\n[ 0,  1,  2, ..., 97, 98, 99]",
                TensorText.format(arange("N", 0, 100), 64));
        assertEquals("i32[A=8, B=9] =\n[[-30, -29, -28, ..., -24, -23, -22],\n [-21, -20, -19, ..., -15, -14, -13],\n [-12, -11, -10, ...,  -6,  -5,  -4],\n ...,\n [ 15,  16,  17, ...,  21,  22,  23],\n [ 24,  25,  26, ...,  30,  31,  32],\n [ 33,  34,  35, ...,  39,  40,  41]]",
                TensorText.format(arange("A,B", -30, 8, 9), 64));
        assertEquals("i32[A=5, B=7, C=9] =\n[[[  0,   1,   2, ...,   6,   7,   8],\n  [  9,  10,  11, ...,  15,  16,  17],\n  [ 18,  19,  20, ...,  24,  25,  26],\n  ...,\n  [ 36,  37,  38, ...,  42,  43,  44],\n  [ 45,  46,  47, ...,  51,  52,  53],\n  [ 54,  55,  56, ...,  60,  61,  62]],\n\n [[ 63,  64,  65, ...,  69,  70,  71],\n  [ 72,  73,  74, ...,  78,  79,  80],\n  [ 81,  82,  83, ...,  87,  88,  89],\n  ...,\n  [ 99, 100, 101, ..., 105, 106, 107],\n  [108, 109, 110, ..., 114, 115, 116],\n  [117, 118, 119, ..., 123, 124, 125]],\n\n [[126, 127, 128, ..., 132, 133, 134],\n  [135, 136, 137, ..., 141, 142, 143],\n  [144, 145, 146, ..., 150, 151, 152],\n  ...,\n  [162, 163, 164, ..., 168, 169, 170],\n  [171, 172, 173, ..., 177, 178, 179],\n  [180, 181, 182, ..., 186, 187, 188]],\n\n [[189, 190, 191, ..., 195, 196, 197],\n  [198, 199, 200, ..., 204, 205, 206],\n  [207, 208, 209, ..., 213, 214, 215],\n  ...,\n  [225, 226, 227, ..., 231, 232, 233],\n  [234, 235, 236, ..., 240, 241, 242],\n  [243, 244, 245, ..., 249, 250, 251]],\n\n [[252, 253, 254, ..., 258, 259, 260],\n  [261, 262, 263, ..., 267, 268, 269],\n  [270, 271, 272, ..., 276, 277, 278],\n  ...,\n  [288, 289, 290, ..., 294, 295, 296],\n  [297, 298, 299, ..., 303, 304, 305],\n  [306, 307, 308, ..., 312, 313, 314]]]",
                TensorText.format(arange("A,B,C", 0, 5, 7, 9), 64));
        assertEquals("i32[A=10, B=2, C=40] =\n[[[  0,   1,   2, ...,  37,  38,  39],\n  [ 40,  41,  42, ...,  77,  78,  79]],\n\n [[ 80,  81,  82, ..., 117, 118, 119],\n  [120, 121, 122, ..., 157, 158, 159]],\n\n [[160, 161, 162, ..., 197, 198, 199],\n  [200, 201, 202, ..., 237, 238, 239]],\n\n ...,\n\n [[560, 561, 562, ..., 597, 598, 599],\n  [600, 601, 602, ..., 637, 638, 639]],\n\n [[640, 641, 642, ..., 677, 678, 679],\n  [680, 681, 682, ..., 717, 718, 719]],\n\n [[720, 721, 722, ..., 757, 758, 759],\n  [760, 761, 762, ..., 797, 798, 799]]]",
                TensorText.format(arange("A,B,C", 0, 10, 2, 40), 64));
    }

    @Test
    void upToTheLimitTensorsPrintWhole() {
        assertEquals("i32[A,B] = [[0, 1, 2], [3, 4, 5]]", TensorText.format(arange("A,B", 0, 2, 3), 64));
        assertEquals("f32 = 0.5", TensorText.format(Tensor.scalar(DType.F32, 0.5), 64));
    }

    @Test
    void floatsAreRightAlignedInTheirShortestForm() {
        /* 0.5 · (0, 1, …, 99): the shown values 0, 0.5, 1, 48.5, 49, 49.5, the widest 4 characters */
        double[] v = new double[100];
        Arrays.setAll(v, i -> 0.5 * i);
        assertEquals("f32[N=100] =\n[   0,  0.5,    1, ..., 48.5,   49, 49.5]",
                TensorText.format(Tensor.of(DType.F32, List.of("N"), new long[] {100}, v), 64));
    }
}
