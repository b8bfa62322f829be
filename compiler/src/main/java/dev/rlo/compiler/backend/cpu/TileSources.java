package dev.rlo.compiler.backend.cpu;

/**
 * What a generated class declares when its kernels run short rows or sorts across vector lanes
 * ({@link VectorTarget}, spec/ir.md#short-rows), as source: transposing a block of rows into a tile
 * and back (square by square in registers, by gathers otherwise), and sorting a tile's columns by a
 * comparator network.
 */
final class TileSources {

    private TileSources() { }

    /** Appends the tile helpers and the square transposes for 8 and 16 lanes. */
    static void tiles(StringBuilder s) {
        s.append(TILES);
        for (int lanes : new int[] {8, 16}) {
            transpose(s, lanes, true);
            transpose(s, lanes, false);
        }
    }

    /**
     * A block's square of {@code lanes} rows by {@code lanes} columns (from column c) transposed in
     * registers, for a machine whose f32 vectors have that many lanes: from the rows copied out of
     * memory into the tile ({@code in}, returning whether an element was NaN or ±∞, if asked), or
     * back. (Reading memory segments in the same method made it too large for C2 to inline every
     * vector op.) Each of log₂(lanes) stages swaps the
     * off-diagonal blocks of each pair of vectors by two two-vector permutes (4× faster than
     * gathers where measured, 16 lanes).
     */
    private static void transpose(StringBuilder s, int lanes, boolean in) {
        s.append(in ? "    static boolean in" + lanes + "(float[] rows, int k, int c, float[] tile, boolean check) {\n"
                : "    static void out" + lanes + "(float[] tile, int c, float[] rows, int k) {\n");
        for (int l = 0; l < lanes; l++) {
            s.append("        FloatVector x").append(l).append(" = ").append(in
                    ? "FloatVector.fromArray(F, rows, " + l + " * k + c);\n"
                    : "FloatVector.fromArray(F, tile, (c + " + l + ") * " + lanes + ");\n");
        }
        if (in) {
            /* only where asked: an i32 tile's bits may be subnormal floats, which slow the arithmetic down */
            s.append("        FloatVector probe0 = FloatVector.zero(F), probe1 = FloatVector.zero(F), probe2 = FloatVector.zero(F), probe3 = FloatVector.zero(F);\n");
            s.append("        if (check) {\n");
            for (int l = 0; l < lanes; l++) {
                s.append("            probe").append(l % 4).append(" = x").append(l).append(".fma(FloatVector.zero(F), probe").append(l % 4).append(");\n");
            }
            s.append("        }\n");
        }
        int stage = 0;
        for (int half = lanes / 2; half >= 1; half /= 2, stage++) {
            for (int i = 0; i < lanes; i++) {
                if ((i & half) == 0) {
                    s.append("        { final FloatVector a = x").append(i).append(", b = x").append(i + half).append("; x").append(i)
                            .append(" = LOW[").append(stage).append("].selectFrom(a, b); x").append(i + half).append(" = HIGH[")
                            .append(stage).append("].selectFrom(a, b); }\n");
                }
            }
        }
        for (int l = 0; l < lanes; l++) {
            s.append("        x").append(l).append(in ? ".intoArray(tile, (c + " + l + ") * " + lanes + ");\n"
                    : ".intoArray(rows, " + l + " * k + c);\n");
        }
        s.append(in ? "        return Float.isNaN(probe0.add(probe1).add(probe2).add(probe3).reduceLanes(VectorOperators.ADD));\n    }\n\n" : "    }\n\n");
    }

    /** What a class with a sort across lanes declares: the network, and the sort of a tile's columns. */
    static final String SORT = """
                /* Batcher's merge exchange for n keys (Knuth, TAOCP 3, 5.2.2, Algorithm M): its comparators (i, j), i < j, in order */
                static int[] network(long n) {
                    int[] pairs = new int[0];
                    int t = 0;
                    while ((1L << t) < n) {
                        t++;
                    }
                    int count = 0;
                    for (int p = t == 0 ? 0 : 1 << (t - 1); p > 0; p >>= 1) {
                        int q = 1 << (t - 1), r = 0, d = p;
                        while (true) {
                            for (int i = 0; i + d < n; i++) {
                                if ((i & p) == r) {
                                    if (count + 2 > pairs.length) {
                                        pairs = java.util.Arrays.copyOf(pairs, Math.max(16, 2 * pairs.length));
                                    }
                                    pairs[count++] = i;
                                    pairs[count++] = i + d;
                                }
                            }
                            if (q == p) {
                                break;
                            }
                            d = q - p;
                            q >>= 1;
                            r = p;
                        }
                    }
                    return java.util.Arrays.copyOf(pairs, count);
                }

                /*
                 * Each lane's column of k values sorted stably, NaN last, −0 equal to 0; order gets the permutation (i32
                 * bits in f32 lanes, for tileOut). Keys are the values' bits made to order as signed ints (−0 as 0, any
                 * NaN above +∞); the network compares (key, index), so no two compare equal and its order is the stable one.
                 */
                static void sortColumns(float[] values, long k, int[] network, boolean descending, int[] keys, int[] indices, float[] order) {
                    final int L = F.length();
                    for (int c = 0; c < k; c++) {
                        FloatVector v = FloatVector.fromArray(F, values, c * L);
                        v = (descending ? v.neg() : v).add(0f);
                        final IntVector bits = v.reinterpretAsInts();
                        bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).and(0x7FFFFFFF))
                                .blend(Integer.MAX_VALUE, v.test(VectorOperators.IS_NAN).cast(I)).intoArray(keys, c * L);
                        IntVector.broadcast(I, c).intoArray(indices, c * L);
                    }
                    for (int p = 0; p < network.length; p += 2) {
                        final int a = network[p] * L, b = network[p + 1] * L;
                        final IntVector ka = IntVector.fromArray(I, keys, a), kb = IntVector.fromArray(I, keys, b);
                        final IntVector ia = IntVector.fromArray(I, indices, a), ib = IntVector.fromArray(I, indices, b);
                        final VectorMask<Integer> swap = ka.compare(VectorOperators.GT, kb).or(ka.compare(VectorOperators.EQ, kb).and(ia.compare(VectorOperators.GT, ib)));
                        ka.blend(kb, swap).intoArray(keys, a);
                        kb.blend(ka, swap).intoArray(keys, b);
                        ia.blend(ib, swap).intoArray(indices, a);
                        ib.blend(ia, swap).intoArray(indices, b);
                    }
                    for (int c = 0; c < k; c++) {
                        IntVector.fromArray(I, indices, c * L).reinterpretAsFloats().intoArray(order, c * L);
                    }
                }

            """;

    /** What a class with rows across lanes declares: transposing a block of rows into a tile and back, by gathers and scatters. */
    private static final String TILES = """
                /* lane l's row starts at l·k in a block of rows of k */
                static int[] rowOffsets(long k) {
                    final int[] rows = new int[F.length()];
                    for (int l = 0; l < rows.length; l++) {
                        rows[l] = (int) (l * k);
                    }
                    return rows;
                }

                /* the permutes of each stage of a square transpose: lane j of the pair's first vector, then of its second */
                static final FloatVector[] LOW = new FloatVector[5], HIGH = new FloatVector[5];
                static {
                    int stage = 0;
                    for (int half = F.length() / 2; half >= 1; half /= 2, stage++) {
                        final float[] low = new float[F.length()], high = new float[F.length()];
                        for (int j = 0; j < F.length(); j++) {
                            low[j] = (j & half) == 0 ? j : F.length() + j - half;
                            high[j] = (j & half) == 0 ? j + half : F.length() + j;
                        }
                        LOW[stage] = FloatVector.fromArray(F, low, 0);
                        HIGH[stage] = FloatVector.fromArray(F, high, 0);
                    }
                }

                /* whether rows of k are transposed square by square in registers: k a multiple of the lanes, 8 or 16 of them */
                static boolean squares(long k) {
                    return k % F.length() == 0 && (F.length() == 8 || F.length() == 16);
                }

                /* the F.length() rows of k values at element offset of seg into tile, column c at c·F.length(); an input is checked for NaN and ∞ */
                static void tileIn(MemorySegment seg, int buffer, boolean input, long offset, long k, float[] stage, int[] rows, float[] tile) {
                    final int n = (int) k * F.length();
                    boolean bad = false;
                    MemorySegment.copy(seg, JAVA_FLOAT, offset * 4L, stage, 0, n);
                    if (squares(k)) {
                        for (int c = 0; c < k; c += F.length()) {
                            bad |= F.length() == 16 ? in16(stage, (int) k, c, tile, input) : in8(stage, (int) k, c, tile, input);
                        }
                    } else {
                        FloatVector probe = FloatVector.zero(F);
                        for (int c = 0; c < k; c++) {
                            final FloatVector v = FloatVector.fromArray(F, stage, c, rows, 0);
                            if (input) {
                                probe = v.fma(FloatVector.zero(F), probe);
                            }
                            v.intoArray(tile, c * F.length());
                        }
                        bad = Float.isNaN(probe.reduceLanes(VectorOperators.ADD));
                    }
                    if (input && bad) {
                        Kernels.nonFiniteIn(seg, buffer, offset, n);
                    }
                }

                /* tile back into the F.length() rows of k values at element offset of seg */
                static void tileOut(float[] tile, long k, float[] stage, int[] rows, MemorySegment seg, long offset) {
                    if (squares(k)) {
                        for (int c = 0; c < k; c += F.length()) {
                            if (F.length() == 16) {
                                out16(tile, c, stage, (int) k);
                            } else {
                                out8(tile, c, stage, (int) k);
                            }
                        }
                    } else {
                        for (int c = 0; c < k; c++) {
                            FloatVector.fromArray(F, tile, c * F.length()).intoArray(stage, c, rows, 0);
                        }
                    }
                    MemorySegment.copy(stage, 0, seg, JAVA_FLOAT, offset * 4L, (int) k * F.length());
                }

                /* a lane's gather index out of [0, n): the first such lane's, reported as a scalar gather would */
                static void badGather(IntVector at, long n, int gather) {
                    for (int i : at.toArray()) {
                        Kernels.checkGather(i, n, gather);
                    }
                }

                /* the upper half of a vector's lanes */
                static final VectorMask<Float> UPPER = IOTA.compare(VectorOperators.GE, F.length() / 2).cast(F);

            """;
}
