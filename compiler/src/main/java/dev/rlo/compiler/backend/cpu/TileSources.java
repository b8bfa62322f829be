package dev.rlo.compiler.backend.cpu;

/**
 * What a generated class declares when its kernels run short rows or sorts across vector lanes
 * ({@link VectorTarget}, spec/ir.md#short-rows), as source: transposing a block of rows into a tile
 * and back (square by square in registers, by gathers otherwise), and sorting a tile's columns by a
 * comparator network.
 */
final class TileSources {

    private TileSources() { }

    /** The upper half of a vector's lanes: where a row's f64 halves are blended into one f32 vector. */
    static final String UPPER = """
                /* the upper half of a vector's lanes */
                static final VectorMask<Float> UPPER = IOTA.compare(VectorOperators.GE, F.length() / 2).cast(F);

            """;

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
     * registers, for a machine whose f32 vectors have that many lanes: from the rows at byte offset
     * {@code at} of a memory segment into the tile ({@code in}, returning whether an element was NaN
     * or ±∞, if asked), or back. (Straight from the segment: copied into an array first, the
     * transpose's loads waited on the copy's stores, 187 against 135 µs for GRPO's 62,496 rows of 16
     * in a standalone loop.) Each of log₂(lanes) stages swaps the
     * off-diagonal blocks of each pair of vectors by two two-vector permutes (4× faster than
     * gathers where measured, 16 lanes). The permutes move the floats' bits as ints, by int index
     * vectors: by a float index vector, C2 converted the indices to ints again, with range checks,
     * at every permute (GRPO's kernel at 62500×16 on one thread, Zen 5: 174 against 193 µs, medians of six JVMs;
     * docs/benchmarks.md).
     */
    private static void transpose(StringBuilder s, int lanes, boolean in) {
        if (in) {
            s.append("    static boolean in" + lanes + "(MemorySegment segment, long at, int k, int c, float[] tile, boolean check) {\n");
            s.append("        final MemorySegment seg = NATIVE.cast(segment);\n");
            Square sq = new Square("x", "seg", "at + (", "L * k + c) * 4L", "tile", "c + ", "check");
            squareIn(s, lanes, sq, "        ");
            s.append("        return ").append(sq.nonFinite()).append(";\n    }\n\n");
            return;
        }
        s.append("    static void out" + lanes + "(float[] tile, int c, MemorySegment segment, long at, int k) {\n");
        s.append("        final MemorySegment seg = NATIVE.cast(segment);\n");
        for (int l = 0; l < lanes; l++) {
            s.append("        IntVector x").append(l).append(" = (IntVector) FloatVector.fromArray(F, tile, (c + ").append(l).append(") * ").append(lanes).append(").reinterpretShape(I, 0);\n");
        }
        stages(s, lanes, "x", "        ");
        for (int l = 0; l < lanes; l++) {
            s.append("        x").append(l).append(".intoMemorySegment(seg, at + (").append(l).append("L * k + c) * 4L, ORDER);\n");
        }
        s.append("    }\n\n");
    }

    /**
     * How a square transpose in is spelled: its vectors' names ({@code x0}, …; the probes and the
     * pairs' temporaries take the same prefix where it is not {@code x}), the segment, row l's byte
     * offset as {@code rowAt + l + rowEnd}, the tile, the start of a column's index in it
     * ({@code column}l), and whether to probe (a boolean expression).
     */
    record Square(String name, String segment, String rowAt, String rowEnd, String tile, String column, String check) {
        String probe() {
            return name.equals("x") ? "probe" : name + "Probe";
        }

        /** Whether the probes met a NaN or ±∞: a magnitude's bits at or above +∞'s. */
        String nonFinite() {
            String p = probe();
            return p + "0.max(" + p + "1).max(" + p + "2).max(" + p + "3).reduceLanes(VectorOperators.MAX) >= 0x7F800000";
        }
    }

    /**
     * The statements of a square transpose in ({@link #transpose}), its probes of NaN and ∞
     * declared and folded where {@code sq.check()} holds (none where it is {@code false}); written
     * into a generated method of its own, or into a kernel's (VectorTarget: then no call per block).
     */
    static void squareIn(StringBuilder s, int lanes, Square sq, String indent) {
        String x = sq.name();
        for (int l = 0; l < lanes; l++) {
            s.append(indent).append("IntVector ").append(x).append(l).append(" = IntVector.fromMemorySegment(I, ").append(sq.segment()).append(", ")
                    .append(sq.rowAt()).append(l).append(sq.rowEnd()).append(", ORDER);\n");
        }
        /* only where asked (an i32 tile's bits are no floats to check): each value's magnitude bits, their maximum kept */
        String p = sq.probe();
        if (!sq.check().equals("false")) {
            s.append(indent).append("IntVector ").append(p).append("0 = IntVector.zero(I), ").append(p).append("1 = IntVector.zero(I), ")
                    .append(p).append("2 = IntVector.zero(I), ").append(p).append("3 = IntVector.zero(I);\n");
            boolean asked = !sq.check().equals("true");
            String fold = asked ? indent + "    " : indent;
            if (asked) {
                s.append(indent).append("if (").append(sq.check()).append(") {\n");
            }
            for (int l = 0; l < lanes; l++) {
                s.append(fold).append(p).append(l % 4).append(" = ").append(p).append(l % 4).append(".max(").append(x).append(l).append(".and(0x7FFFFFFF));\n");
            }
            if (asked) {
                s.append(indent).append("}\n");
            }
        }
        stages(s, lanes, sq.name(), indent);
        for (int l = 0; l < lanes; l++) {
            s.append(indent).append("((FloatVector) ").append(x).append(l).append(".reinterpretShape(F, 0)).intoArray(").append(sq.tile()).append(", (").append(sq.column()).append(l).append(") * ").append(lanes).append(");\n");
        }
    }

    /** The permute stages of a square transpose of vectors {@code x}0 … {@code x}(lanes − 1), in place: each pair's first kept in a temporary. */
    private static void stages(StringBuilder s, int lanes, String x, String indent) {
        String a = x.equals("x") ? "a" : x + "A";
        int stage = 0;
        for (int half = lanes / 2; half >= 1; half /= 2, stage++) {
            for (int i = 0; i < lanes; i++) {
                if ((i & half) == 0) {
                    String first = x + i, second = x + (i + half);
                    s.append(indent).append("{ final IntVector ").append(a).append(" = ").append(first).append("; ").append(first).append(" = LOW[")
                            .append(stage).append("].selectFrom(").append(a).append(", ").append(second).append("); ").append(second).append(" = HIGH[")
                            .append(stage).append("].selectFrom(").append(a).append(", ").append(second).append("); }\n");
                }
            }
        }
    }

    /** The column sizes whose sort is written out. */
    static final int[] UNROLLED = {4, 8, 16};

    /**
     * What a class with a sort across lanes declares: the sort of a tile's columns, each lane's column
     * of k values sorted stably, NaN last, −0 equal to 0, its permutation written to {@code order}
     * (i32 bits in f32 lanes, for tileOut). A value's key is its bits made to order as a signed int
     * (−0 as 0, any NaN above +∞), shifted above its column index in a long: no two keys are equal,
     * so a comparator is a min and a max, and the order is the stable one. The comparator network
     * ({@link Sorting#network}) runs from its pairs for any k up to 32, and written out, its keys in
     * locals, for k = {@link #UNROLLED} (the pairs loop loads and stores every comparator's keys;
     * docs/benchmarks.md has the measurement).
     */
    static void sort(StringBuilder s) {
        s.append("""
                    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
                    static final VectorMask<Integer> UPPER_INTS = IOTA.compare(VectorOperators.GE, I.length() / 2);

                    static void sortColumns(float[] values, long k, int[] network, boolean descending, long[] keys, float[] order) {
                """);
        for (int n : UNROLLED) {
            s.append("        if (k == ").append(n).append(") {\n            sort").append(n).append("(values, descending, order, 0);\n            sort")
                    .append(n).append("(values, descending, order, 1);\n            return;\n        }\n");
        }
        s.append("""
                        final int L = F.length(), H = LS.length();
                        for (int c = 0; c < k; c++) {
                            final LongVector lo, hi;
                """);
        keys(s, "c", "            ", new String[] {"lo", "0"}, new String[] {"hi", "1"});
        s.append("""
                            lo.intoArray(keys, 2 * c * H);
                            hi.intoArray(keys, (2 * c + 1) * H);
                        }
                        for (int p = 0; p < network.length; p += 2) {
                            final int a = network[p] * L, b = network[p + 1] * L;
                            final LongVector a0 = LongVector.fromArray(LS, keys, a), b0 = LongVector.fromArray(LS, keys, b);
                            final LongVector a1 = LongVector.fromArray(LS, keys, a + H), b1 = LongVector.fromArray(LS, keys, b + H);
                            a0.min(b0).intoArray(keys, a);
                            a0.max(b0).intoArray(keys, b);
                            a1.min(b1).intoArray(keys, a + H);
                            a1.max(b1).intoArray(keys, b + H);
                        }
                        for (int c = 0; c < k; c++) {
                """);
        s.append("            ").append(indices("LongVector.fromArray(LS, keys, 2 * c * H)", "LongVector.fromArray(LS, keys, (2 * c + 1) * H)", "c")).append("\n");
        s.append("        }\n    }\n\n");
        for (int n : UNROLLED) {
            /* half of the lanes at a time: 16 columns of keys fill 16 registers, not 32 (C2 took 2.3× as long to compile the whole) */
            s.append("    static void sort").append(n).append("(float[] values, boolean descending, float[] order, int half) {\n");
            s.append("        final int L = F.length();\n");
            for (int c = 0; c < n; c++) {
                s.append("        LongVector k").append(c).append(";\n");
                keys(s, String.valueOf(c), "        ", new String[] {"k" + c, "half"});
            }
            int[] pairs = Sorting.network(n);
            for (int p = 0; p < pairs.length; p += 2) {
                int a = pairs[p], b = pairs[p + 1];
                s.append("        { final LongVector x = k").append(a).append(".min(k").append(b).append("); k").append(b).append(" = k").append(a)
                        .append(".max(k").append(b).append("); k").append(a).append(" = x; }\n");
            }
            /* the lower half's indices written whole (upper lanes 0), then the upper half's blended in */
            s.append("        if (half == 0) {\n");
            for (int c = 0; c < n; c++) {
                s.append("            ((FloatVector) ((IntVector) k").append(c).append(".convertShape(VectorOperators.L2I, I, 0)).reinterpretShape(F, 0)).intoArray(order, ")
                        .append(c).append(" * L);\n");
            }
            s.append("        } else {\n");
            for (int c = 0; c < n; c++) {
                s.append("            ((FloatVector) ((IntVector) FloatVector.fromArray(F, order, ").append(c).append(" * L).reinterpretShape(I, 0)).blend((IntVector) k").append(c)
                        .append(".convertShape(VectorOperators.L2I, I, -1), UPPER_INTS).reinterpretShape(F, 0)).intoArray(order, ").append(c).append(" * L);\n");
            }
            s.append("        }\n");
            s.append("    }\n\n");
        }
    }

    /**
     * What a class with a sort by value across lanes declares (a sort whose permutation is read only
     * to pick its input's values, as a quantile does: spec/ir.md#sort-by-value): each lane's column of k
     * values sorted, NaN last, as keys into {@code sorted}. A value's key is its bits made to order as a
     * signed int (−0 below 0, any NaN above +∞; negated first, descending), so a comparator is one min
     * and one max of int vectors of all the lanes. The keys stay keys: a pick turns the column it reads
     * back into values ({@link #keyValue}), so a quantile converts two columns, not k. The values come
     * out as the permutation would pick them, but for ties of −0 and 0 (−0 first here, 0 first
     * descending; in index order there) and a NaN's payload. The comparator network
     * ({@link Sorting#network}) runs from its pairs for any k up to 32, and written out, its keys in
     * locals, for k = {@link #UNROLLED}.
     */
    static void sortValues(StringBuilder s) {
        s.append("""
                    static void sortValues(float[] values, long k, int[] network, boolean descending, boolean finite, float[] sorted) {
                """);
        for (int n : UNROLLED) {
            s.append("        if (k == ").append(n).append(") {\n            sortValues").append(n).append("(values, descending, finite, sorted);\n            return;\n        }\n");
        }
        s.append("""
                        final int L = F.length();
                        for (int c = 0; c < k; c++) {
                            final IntVector key;
                """);
        valueKey(s, "c", "            ", "key", new ValueSort("", "values", "descending", "finite", "sorted", "F.length()"));
        s.append("""
                            ((FloatVector) key.reinterpretShape(F, 0)).intoArray(sorted, c * L);
                        }
                        for (int p = 0; p < network.length; p += 2) {
                            final int a = network[p] * L, b = network[p + 1] * L;
                            final IntVector x = (IntVector) FloatVector.fromArray(F, sorted, a).reinterpretShape(I, 0), y = (IntVector) FloatVector.fromArray(F, sorted, b).reinterpretShape(I, 0);
                            ((FloatVector) x.min(y).reinterpretShape(F, 0)).intoArray(sorted, a);
                            ((FloatVector) x.max(y).reinterpretShape(F, 0)).intoArray(sorted, b);
                        }
                    }

                """);
        for (int n : UNROLLED) {
            s.append("    static void sortValues").append(n).append("(float[] values, boolean descending, boolean finite, float[] sorted) {\n");
            valueSort(s, n, new ValueSort("", "values", "descending", "finite", "sorted", "F.length()"), "        ");
            s.append("    }\n\n");
        }
    }

    /**
     * How a sort by value of {@code n} columns is spelled: its locals' prefix (none in a method of
     * its own), the tile, whether descending and whether finite (boolean expressions: a literal
     * drops the choice), the sorted keys' array, and a column's width in them (the lanes).
     */
    record ValueSort(String prefix, String values, String descending, String finite, String sorted, String width) { }

    /**
     * The statements of a sort by value of {@code n} columns ({@link #sortValues}): each column's keys
     * in a local, the comparator network on them, the keys stored; written into a generated method
     * of its own, or into a kernel's (VectorTarget: then no call per block).
     */
    static void valueSort(StringBuilder s, int n, ValueSort vs, String indent) {
        String k = vs.prefix() + "k";
        for (int c = 0; c < n; c++) {
            s.append(indent).append("IntVector ").append(k).append(c).append(";\n");
            valueKey(s, String.valueOf(c), indent, k + c, vs);
        }
        int[] pairs = Sorting.network(n);
        for (int p = 0; p < pairs.length; p += 2) {
            int a = pairs[p], b = pairs[p + 1];
            s.append(indent).append("{ final IntVector ").append(vs.prefix()).append("x = ").append(k).append(a).append(".min(").append(k).append(b).append("); ")
                    .append(k).append(b).append(" = ").append(k).append(a).append(".max(").append(k).append(b).append("); ").append(k).append(a)
                    .append(" = ").append(vs.prefix()).append("x; }\n");
        }
        for (int c = 0; c < n; c++) {
            s.append(indent).append("((FloatVector) ").append(k).append(c).append(".reinterpretShape(F, 0)).intoArray(").append(vs.sorted()).append(", ")
                    .append(c).append(" * ").append(vs.width()).append(");\n");
        }
    }

    /**
     * Column {@code c}'s keys into local {@code into}: its values' bits made to order as a signed int
     * (written out where used: a helper taking or returning a vector that C2 does not inline boxes it);
     * a NaN's key is the largest unless {@code finite} says the values hold none (an input checked for
     * NaN and ∞ as it was transposed in: two operations a column fewer).
     */
    private static void valueKey(StringBuilder s, String c, String indent, String into, ValueSort vs) {
        /* a value used once is written where it is used, a local otherwise: a sort written out in a kernel's method leaves room for more */
        StringBuilder body = new StringBuilder();
        String v = local(body, indent, "FloatVector", vs.prefix() + "v", "FloatVector.fromArray(F, " + vs.values() + ", " + c + " * " + vs.width() + ")",
                !vs.descending().matches("true|false") || vs.descending().equals("false") && !vs.finite().equals("true"));
        String negated = switch (vs.descending()) {
            case "true" -> v + ".neg()";
            case "false" -> v;
            default -> "(" + vs.descending() + " ? " + v + ".neg() : " + v + ")";
        };
        String w = negated.equals(v) ? v : local(body, indent, "FloatVector", vs.prefix() + "w", negated, !vs.finite().equals("true"));
        String bits = local(body, indent, "IntVector", vs.prefix() + "bits", "(IntVector) " + w + ".reinterpretShape(I, 0)", true);
        String ordered = local(body, indent, "IntVector", vs.prefix() + "ordered", ordered(bits), !vs.finite().matches("true|false"));
        String nanLast = ordered + ".blend(Integer.MAX_VALUE, " + w + ".test(VectorOperators.IS_NAN).cast(I))";
        String key = switch (vs.finite()) {
            case "true" -> ordered;
            case "false" -> nanLast;
            default -> vs.finite() + " ? " + ordered + " : " + nanLast;
        };
        s.append(indent).append("{\n").append(body).append(indent).append("    ").append(into).append(" = ").append(key).append(";\n").append(indent).append("}\n");
    }

    /** {@code value} as a final local {@code name} declared into {@code body} where {@code declared}, else itself (parenthesised), to be written where used. */
    private static String local(StringBuilder body, String indent, String type, String name, String value, boolean declared) {
        if (!declared) {
            return "(" + value + ")";
        }
        body.append(indent).append("    final ").append(type).append(' ').append(name).append(" = ").append(value).append(";\n");
        return name;
    }

    /**
     * Sorted key {@code key} (an int vector) back into its value, descending or not: the same map
     * undone (a NaN's key gives a NaN), written out where a pick reads it.
     */
    static String keyValue(String key, boolean descending) {
        return "(((FloatVector) " + ordered(key) + ".reinterpretShape(F, 0))" + (descending ? ".neg()" : "") + ")";
    }

    /** f32 bits (an int vector) made to order as signed ints, negatives' magnitudes flipped; its own inverse. */
    private static String ordered(String bits) {
        return bits + ".lanewise(VectorOperators.XOR, " + bits + ".lanewise(VectorOperators.ASHR, 31).and(0x7FFFFFFF))";
    }

    /** Column {@code c}'s keys, (key << 32) | c, into each of {@code into}: a local's name and the part of the lanes it takes (0 lower, 1 upper, or a variable holding one of them). */
    private static void keys(StringBuilder s, String c, String indent, String[]... into) {
        s.append(indent).append("{\n")
                .append(indent).append("    final FloatVector v = FloatVector.fromArray(F, values, ").append(c).append(" * L);\n")
                .append(indent).append("    final FloatVector w = (descending ? v.neg() : v).add(0f);\n")
                .append(indent).append("    final IntVector bits = (IntVector) w.reinterpretShape(I, 0);\n")
                .append(indent).append("    final IntVector key = ").append(ordered("bits")).append("\n")
                .append(indent).append("            .blend(Integer.MAX_VALUE, w.test(VectorOperators.IS_NAN).cast(I));\n");
        for (String[] local : into) {
            /* the part a constant in each branch: with a variable part the Vector API slices by a shuffle it builds per call */
            String widened = local[1].equals("0") || local[1].equals("1") ? "key.convertShape(VectorOperators.I2L, LS, " + local[1] + ")"
                    : "(" + local[1] + " == 0 ? key.convertShape(VectorOperators.I2L, LS, 0) : key.convertShape(VectorOperators.I2L, LS, 1))";
            s.append(indent).append("    ").append(local[0]).append(" = ((LongVector) ").append(widened)
                    .append(").lanewise(VectorOperators.LSHL, 32).or(").append(c).append(");\n");
        }
        s.append(indent).append("}\n");
    }

    /** The statement writing column {@code c}'s indices, the low halves of its sorted keys, into order. */
    private static String indices(String lo, String hi, String c) {
        return "((FloatVector) ((IntVector) " + lo + ".convertShape(VectorOperators.L2I, I, 0)).blend((IntVector) " + hi
                + ".convertShape(VectorOperators.L2I, I, -1), UPPER_INTS).reinterpretShape(F, 0)).intoArray(order, " + c + " * L);";
    }

    /** What a class with rows across lanes declares: transposing a block of rows into a tile and back, by gathers and scatters. */
    private static final String TILES = """
                /* lane l's row starts at l·k in a block of rows of k: written into rows, which it returns */
                static int[] rowOffsets(long k, int[] rows) {
                    for (int l = 0; l < F.length(); l++) {
                        rows[l] = (int) (l * k);
                    }
                    return rows;
                }

                /* the permutes of each stage of a square transpose: lane j of the pair's first vector, then of its second */
                static final IntVector[] LOW = new IntVector[5], HIGH = new IntVector[5];
                static {
                    int stage = 0;
                    for (int half = F.length() / 2; half >= 1; half /= 2, stage++) {
                        final int[] low = new int[F.length()], high = new int[F.length()];
                        for (int j = 0; j < F.length(); j++) {
                            low[j] = (j & half) == 0 ? j : F.length() + j - half;
                            high[j] = (j & half) == 0 ? j + half : F.length() + j;
                        }
                        LOW[stage] = IntVector.fromArray(I, low, 0);
                        HIGH[stage] = IntVector.fromArray(I, high, 0);
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
                    if (squares(k)) {
                        for (int c = 0; c < k; c += F.length()) {
                            bad |= F.length() == 16 ? in16(seg, offset * 4L, (int) k, c, tile, input) : in8(seg, offset * 4L, (int) k, c, tile, input);
                        }
                    } else {
                        MemorySegment.copy(NATIVE.cast(seg), JAVA_FLOAT, offset * 4L, stage, 0, n);
                        FloatVector probe = FloatVector.zero(F);
                        for (int c = 0; c < k; c++) {
                            final FloatVector v = FloatVector.fromArray(F, stage, c, rows, 0);
                            if (input) {
                                probe = v.fma(FloatVector.zero(F), probe);
                            }
                            v.intoArray(tile, c * F.length());
                        }
                        bad = !(probe.reduceLanes(VectorOperators.ADD) <= Float.POSITIVE_INFINITY); /* NaN, with no call (JavaTarget's note on checks spelled out) */
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
                                out16(tile, c, seg, offset * 4L, (int) k);
                            } else {
                                out8(tile, c, seg, offset * 4L, (int) k);
                            }
                        }
                        return;
                    }
                    for (int c = 0; c < k; c++) {
                        FloatVector.fromArray(F, tile, c * F.length()).intoArray(stage, c, rows, 0);
                    }
                    MemorySegment.copy(stage, 0, NATIVE.cast(seg), JAVA_FLOAT, offset * 4L, (int) k * F.length());
                }

                /* a lane's gather index out of [0, n): the first such lane's, reported as a scalar gather would */
                static void badGather(IntVector at, long n, int gather) {
                    for (int i : at.toArray()) {
                        Kernels.checkGather(i, n, gather);
                    }
                }

            """;
}
