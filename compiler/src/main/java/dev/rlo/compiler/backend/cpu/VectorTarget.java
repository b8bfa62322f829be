package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.backend.Values;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.types.DType;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java Vector API target: the scalar Java target ({@link JavaTarget}) whose innermost loops, and
 * the rows a time-major scan sweeps, step a vector of points at a time (the preferred species,
 * e.g. 8 or 16 f32 lanes). Values that do not vary along the vector are computed once per row by a
 * scalar memo; reductions accumulate in vector registers (sums in f64 lanes, each f32 vector
 * converted in two halves) flushed into their scalar slots every block, and a scalar loop finishes
 * rows shorter than a vector. Short rows instead run a vector of rows at a time, one per lane
 * ({@link #outer}, {@link #sort}: tiles, {@link TileSources}); exp and kin are {@link VectorMath}'s.
 * Kernels it cannot handle ({@link #supports}: f64 work, logsumexp and argmax reductions, strided
 * or data-dependent access along the innermost dimension, {@code **} there) stay scalar.
 */
final class VectorTarget extends JavaTarget {

    /** Element-wise ops with a Vector API form. */
    static final Set<Op> VECTOR_OPS = EnumSet.of(Op.NEG, Op.NOT, Op.ABS, Op.SIGN, Op.EXP, Op.LOG, Op.LOG1P, Op.EXPM1, Op.SQRT,
            Op.TANH, Op.SIGMOID, Op.SOFTPLUS, Op.CAST, Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MIN, Op.MAX, Op.LT,
            Op.LE, Op.GT, Op.GE, Op.EQ, Op.NE, Op.AND, Op.OR, Op.WHERE, Op.CLIP, Op.IOTA, Op.RENAME, Op.EXPAND,
            Op.STOP_GRADIENT);
    /** Vectors per block: the accumulators are flushed and the non-finite probe checked after each. */
    static final int BLOCK = 1024;
    /**
     * The vectors every f32 input vector is folded into (as x·0), round robin: NaN if any lane of
     * any was NaN or ±∞. Several, so that a loop reading many inputs does not wait on one chain of
     * fused multiply-adds (four cycles each) per vector.
     */
    static final String PROBE = "probe";
    static final int PROBES = 4;
    /** Rows read through tiles run across lanes this short or shorter, where the schedule allows ({@link Schedule.Nest#lanesAcross}). */
    static final int SHORT = 32;

    /** Per kernel, the input reads probed for NaN and ∞ by earlier phases: later phases read the same values. */
    private final Map<Integer, Set<String>> checked = new HashMap<>();
    private final Map<Integer, Boolean> supported = new HashMap<>();
    /** Whether a launch runs rows across lanes: the class then declares the mask of the vectors' upper halves. */
    private boolean usesAcross;
    /** While a block's rows are written ({@link #rowsOfBlock}), its reductions that live in the block alone: no row may read them from memory. */
    private Set<Buffer> keptInBlock = Set.of();
    /**
     * How many values a row's vector step computes before its sums go to memory: the round trip
     * (a load, an add and a store, about 10 cycles a step) hides behind that much other work. PPO's
     * loss (14 values a step) lost nothing; QR-DQN's mean over N (one value a step) took 2.5–3× as
     * long (docs/benchmarks.md).
     */
    private static final int BUSY_STEP = 8;
    /** How many steps along a block's rows sum their terms pairwise in f32 before they reach f64 lanes ({@link #alongRows}). */
    private static final int PAIRED = 8;
    /** The flag of a phase in tiles whose sums' blocks are held in f32 ({@link #alongRows}). */
    private static final String F32_BLOCKS = "f32Blocks";
    /** Per kernel, the most sums one of its loops keeps in the array {@code sums}. */
    private final Map<Integer, Integer> sumSlots = new HashMap<>();
    /** Whether a launch reads or writes tiles: the class then declares the tile helpers. */
    private boolean usesTiles;
    /** Whether a kernel computes exp, log and kin on vectors: the class then declares {@link VectorMath}'s. */
    private boolean usesMath;
    /** Whether a sort runs across lanes (an argsort launch or a loop's sort phase): the class then declares the column sort. */
    private boolean usesSort;
    /** Whether a launch sorts a tile by value ({@link TileSources#sortValues}). */
    private boolean usesValueSort;

    /** Each kernel's form of its sums along short rows and its tiles, INLINE where absent ({@link #alongRows}, {@link #fill}). */
    private final Map<Integer, KernelForm> forms;

    VectorTarget(Schedule schedule, Map<Integer, KernelForm> forms) {
        super(schedule);
        this.forms = Map.copyOf(forms);
    }

    @Override
    void preamble(StringBuilder s) {
        /* the species this machine prefers (16 f32 lanes with AVX-512, 8 with AVX2), and lanes of the same count */
        s.append("    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;\n")
                .append("    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;\n")
                .append("    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;\n")
                .append("    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));\n")
                .append("    static final IntVector IOTA = IntVector.zero(I).addIndex(1);\n")
                .append("    static final ByteOrder ORDER = ByteOrder.nativeOrder();\n")
                /* a block of steps too short to pair: not finite, so its lanes add their terms one by one */
                .append("    static final FloatVector NOT_PAIRED = FloatVector.broadcast(F, Float.NaN);\n\n")
                /* reduceLanes(ADD) may add lanes in any order, so results would depend on whether C2 had
                   compiled the kernel yet; folding the upper half of the lanes onto the lower one, then
                   again, is one fixed order, kept in registers (a sum in lane order through toArray took a
                   quarter of QR-DQN's time, whose rows of 200 each flush their sums) */
                /* (straight-line, with each shuffle a constant: in a loop over an array of them, C2 left the adds to their Java fallback) */
                .append("    static final VectorShuffle<Double> FOLD4 = fold(4), FOLD2 = fold(2), FOLD1 = fold(1);\n\n")
                .append("    static VectorShuffle<Double> fold(int half) {\n")
                .append("        return VectorShuffle.fromOp(D, i -> i < half && i + half < D.length() ? i + half : i);\n    }\n\n");
        if (usesMath) {
            s.append(VectorMath.SOURCE);
        }
        if (usesSort) {
            TileSources.sort(s);
        }
        if (usesValueSort) {
            TileSources.sortValues(s);
        }
        if (usesTiles) {
            TileSources.tiles(s);
        }
        if (usesAcross) {
            s.append(TileSources.UPPER);
        }
    }

    // ---- which kernels ----------------------------------------------------------------------------

    /** Whether every phase of {@code k} can be vectorised along its innermost dimension. */
    static boolean supports(KernelPlan plan, Kernel.Loop k) {
        if (k.space().isEmpty()) {
            return false;
        }
        String dim = k.space().getLast();
        Map<String, String> ix = indexOf(k.space());
        for (Kernel.Phase p : k.phases()) {
            Set<Node> own = new HashSet<>();
            p.outputs().stream().map(Buffer::node).filter(n -> !n.op().isReduction()).forEach(own::add);
            for (Buffer b : p.outputs()) {
                Node n = b.node();
                if (n.op() == Op.ARGSORT) {
                    continue;
                }
                if (n.op().isReduction()) {
                    Node in = accumulated(plan, n);
                    boolean ok = EnumSet.of(Op.SUM, Op.MEAN, Op.REDUCE_MAX, Op.REDUCE_MIN).contains(n.op()) && !b.type().has(dim)
                            && in.type().dtype() != DType.F64 && in.type().dtype() != DType.BOOL
                            && vectorisable(plan, in, ix, index(dim), own);
                    if (!ok) {
                        return false;
                    }
                } else if (b.type().dtype() == DType.F64 || !b.type().dims().isEmpty() && !b.type().dims().getLast().equals(dim)
                        || !vectorisable(plan, n, ix, index(dim), own) || !b.type().has(dim)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The value a reduction folds in: its input, or for a sum of an f32 value cast to f64 (how
     * lowering keeps a masked mean exact) that f32 value, since sums accumulate in f64 anyway.
     */
    static Node accumulated(KernelPlan plan, Node reduction) {
        Node in = reduction.in(0);
        boolean widened = in.op() == Op.CAST && in.type().dtype() == DType.F64 && in.in(0).type().dtype() == DType.F32
                && !plan.isBuffer(in);
        return widened && reduction.op() == Op.SUM ? in.in(0) : in;
    }

    /** Whether {@code n} at {@code ix} can be computed in lanes along loop index {@code inner} (or is per-row). */
    static boolean vectorisable(KernelPlan plan, Node n, Map<String, String> ix, String inner, Set<Node> own) {
        return vectorisable(plan, n, ix, inner, null, own, new HashMap<>());
    }

    /**
     * The same, remembering each (node, index) answered in {@code seen}: a shared value is asked
     * once, not once per path to it. With a {@code tile} dimension (rows across lanes, whose loop
     * steps along it), a buffer may also be read from a block's tile: over the lanes' dimension
     * then the tile's, last, in f32.
     */
    private static boolean vectorisable(KernelPlan plan, Node n, Map<String, String> ix, String inner, String tile, Set<Node> own,
                                        Map<String, Boolean> seen) {
        String key = n.id() + "@" + ix;
        Boolean known = seen.get(key);
        if (known == null) {
            known = decide(plan, n, ix, inner, tile, own, seen);
            seen.put(key, known);
        }
        return known;
    }

    private static boolean decide(KernelPlan plan, Node n, Map<String, String> ix, String inner, String tile, Set<Node> own,
                                  Map<String, Boolean> seen) {
        List<String> dims = n.type().dims();
        boolean lanes = dims.stream().anyMatch(d -> inner.equals(ix.get(d)));
        boolean column = tile != null && dims.stream().anyMatch(d -> index(tile).equals(ix.get(d)));
        if (!lanes) {
            /* the same in every lane: a scalar, per row or (rows across lanes) per step along them */
            return true;
        }
        if (n.type().dtype() == DType.F64) {
            return false;
        }
        if (plan.isBuffer(n) && !own.contains(n)) {
            long atInner = dims.stream().filter(d -> inner.equals(ix.get(d))).count();
            boolean contiguous = atInner == 1 && inner.equals(ix.get(dims.getLast()));
            return contiguous && !column || tiled(n, ix, inner, tile);
        }
        if (n.op() == Op.GATHER && tile != null && n.attrs(Attrs.Dim.class).dim().equals(tile) && plan.isBuffer(n.in(0))
                && !own.contains(n.in(0)) && n.in(0).type().dtype() == DType.F32
                && n.in(1).type().dims().stream().anyMatch(d -> inner.equals(ix.get(d)))) {
            /* each lane gathers at its own index from its row of the source's tile */
            Map<String, String> at = new LinkedHashMap<>(ix);
            at.put(tile, "gathered");
            return tiled(n.in(0), at, inner, tile) && vectorisable(plan, n.in(1), ix, inner, tile, own, seen);
        }
        if (n.op() == Op.GATHER) {
            /* a gather whose index is the same along the row reads a contiguous row of its source */
            Map<String, String> at = new LinkedHashMap<>(ix);
            at.put(n.attrs(Attrs.Dim.class).dim(), "gathered");
            return n.in(1).type().dims().stream().noneMatch(d -> inner.equals(ix.get(d)) || tile != null && index(tile).equals(ix.get(d)))
                    && vectorisable(plan, n.in(0), at, inner, tile, own, seen);
        }
        if (!VECTOR_OPS.contains(n.op())) {
            return false;
        }
        Map<String, String> inputs = ix;
        if (n.op() == Op.RENAME) {
            Attrs.Rename r = n.attrs(Attrs.Rename.class);
            inputs = new LinkedHashMap<>(ix);
            inputs.put(r.from(), ix.get(r.to()));
        }
        for (Node in : n.inputs()) {
            if (!vectorisable(plan, in, inputs, inner, tile, own, seen)) {
                return false;
            }
        }
        return true;
    }

    /** Whether buffer {@code n} at {@code ix} is read from a tile: over the lanes' dimension then the tile's, last, in f32 or i32. */
    private static boolean tiled(Node n, Map<String, String> ix, String inner, String tile) {
        List<String> dims = n.type().dims();
        return tile != null && dims.size() >= 2 && dims.getLast().equals(tile) && inner.equals(ix.get(dims.get(dims.size() - 2)))
                && dims.stream().filter(d -> inner.equals(ix.get(d))).count() == 1
                && (n.type().dtype() == DType.F32 || n.type().dtype() == DType.I32);
    }

    private boolean vectorised(Schedule.Launch l) {
        return l.kernel() instanceof Kernel.Loop k && supported.computeIfAbsent(k.id(), id -> supports(plan, k));
    }

    /**
     * Whether launch {@code l}'s short rows can run across lanes of row dimension {@code g} (one of
     * {@link Schedule.Nest#lanesAcross}): its stores and sums, maxima and minima of f32 values,
     * computed in lanes along {@code g}, reading along it contiguously or from the block's tiles,
     * or the same for every lane.
     */
    static boolean supportsAcross(KernelPlan plan, Schedule.Launch l, String g) {
        String lanes = index(g);
        String tile = l.nest().innermost();
        Map<String, String> ix = indexOf(l.points());
        for (Schedule.Phase p : l.nest().phases()) {
            Set<Node> own = stored(p);
            for (Schedule.Output o : p.outputs()) {
                Node n = o.buffer().node();
                boolean ok = switch (o) {
                    case Schedule.Reduce r -> (r.finished() != Schedule.Finished.ROW || o.buffer().type().dtype() == DType.F32)
                            && EnumSet.of(Reduction.SUM, Reduction.MEAN, Reduction.MAX, Reduction.MIN).contains(r.reduction())
                            && accumulated(plan, n).type().dtype() != DType.BOOL
                            && vectorisable(plan, accumulated(plan, n), ix, lanes, tile, own, new HashMap<>());
                    case Schedule.Store st -> o.buffer().type().dtype() == DType.F32 && vectorisable(plan, n, ix, lanes, tile, own, new HashMap<>());
                    case Schedule.Sort st -> st.input().type().dtype() == DType.F32;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- short rows across lanes -------------------------------------------------------------------

    /**
     * A Loop over [.., G] then [K] whose rows may run across lanes (of G, or of another row
     * dimension the schedule offers): where there are at least a vector of rows (and K is
     * {@value #SHORT} or less if the rows are read through tiles), a vector holds the rows of a
     * block, one per lane. The block's f32 rows are transposed into tiles (a column of K per
     * vector), each phase steps along K with whole-vector arithmetic (a reduction accumulates per
     * lane in K's order, no flush per row, and is stored for the block at once; a value the same
     * in every lane is a scalar per step), and the tiles written are transposed back. The last
     * block overlaps the one before, rewriting the same values. Other sizes run the rows as
     * {@link #innermost} does.
     */
    @Override
    protected void outer(Schedule.Launch l, String indent) {
        if (!orRowsAcross(l, indent)) {
            super.outer(l, indent);
        } else {
            super.outer(l, indent + "    ");
            close(indent);
        }
    }

    /** The same for a Loop with no outer dimensions, one phase per launch. */
    @Override
    protected void phase(Schedule.Launch l, Schedule.Phase p, String indent) {
        if (!orRowsAcross(l, indent)) {
            super.phase(l, p, indent);
        } else {
            super.phase(l, p, indent + "    ");
            close(indent);
        }
    }

    /**
     * Whether {@code l} runs short rows across lanes: then its code for them is written, as a method
     * of its own ({@link #own}), up to the else that runs other sizes. Rows read through tiles must
     * be short; rows whose reads are contiguous along the lanes or the same for every lane may be
     * any length.
     */
    private boolean orRowsAcross(Schedule.Launch l, String indent) {
        String g = l.nest().lanesAcross().stream().filter(d -> supportsAcross(plan, l, d)).findFirst().orElse(null);
        if (g == null) {
            return false;
        }
        String k = size(l.nest().innermost());
        StringBuilder enclosing = out;
        out = new StringBuilder();
        boolean tiled = rowsAcross(l, g, "        ");
        String block = out.toString();
        out = enclosing;
        line(indent, "if (" + k + " >= 1 && " + (tiled ? k + " <= " + SHORT + " && " : "") + size(g) + " >= F.length()) {");
        line(indent + "    ", own(l.kernel().id(), block));
        line(indent, "} else {");
        return true;
    }

    /** Writes launch {@code l}'s blocks of rows across lanes of {@code g}; returns whether they read or write tiles. */
    private boolean rowsAcross(Schedule.Launch l, String g, String indent) {
        List<String> outer = l.nest().rows();
        String k = l.nest().innermost();
        String block = indent + "    ".repeat(outer.size());
        /* rows read from memory, of any length, sum in memory (Tiles#sums); rows in tiles, at most SHORT long, in locals */
        Tiles fromMemory = new Tiles(g, k, true);
        Map<String, Probe> probes = new LinkedHashMap<>();
        String phases = acrossPhases(l, fromMemory, probes, block, false);
        boolean sorts = l.nest().phases().stream().anyMatch(p -> p.sort() != null);
        boolean inTiles = !fromMemory.all().isEmpty() || !fromMemory.byValue.isEmpty() || sorts;
        Tiles tiles = inTiles ? new Tiles(g, k, false) : fromMemory;
        boolean byRows = inTiles && lastByRows(l, fromMemory);
        /* with the last phase row by row, the tile phases run in a scope of their own, whose i_G the rows' loop declares again */
        String inTile = byRows ? block + "    " : block;
        if (inTiles) {
            probes.clear();
            phases = acrossPhases(l, tiles, probes, inTile, byRows);
        }
        usesAcross = true;

        List<String> names = new java.util.ArrayList<>(tiles.all().stream().map(tiles::name).toList());
        tiles.byValue.keySet().forEach(b -> names.add(tiles.sorted(b)));
        boolean tiled = !names.isEmpty() || sorts;
        if (tiled) {
            usesTiles = true;
            tiles(names, k, tiles.gathers, indent);
        }
        if (tiles.strided) {
            line(indent, "final float[] strided = " + local("floats", "F.length()") + ";");
        }
        for (Buffer b : tiles.blockOnly) {
            line(indent, "final float[] " + tiles.inBlock(b) + " = " + local("floats", "F.length()") + ";");
        }
        for (Values.Taken t : tiles.kept()) {
            boolean ints = t.value().dtype() == DType.I32;
            /* by rows, two blocks' worth: the rows of one block run after the next block's phases across lanes */
            line(indent, "final " + (ints ? "int" : "float") + "[] " + tiles.perRow(t) + " = " + local(ints ? "ints" : "floats", byRows ? "2 * F.length()" : "F.length()") + ";");
        }
        needSums(l, tiles.sums.size());
        if (tiles.held > 0) {
            line(indent, "final float[] held = " + local("floats", 2 * tiles.held + " * F.length()") + ";");
        }
        if (sorts) {
            boolean permutes = l.nest().phases().stream().anyMatch(p -> p.sort() != null && !tiles.byValue.containsKey(p.sort().buffer()));
            usesSort |= permutes;
            tileSortScratch(size(k), permutes, indent);
        }
        openBlocks(outer, g, byRows ? firstRow(g) : index(g), byRows, indent);
        if (byRows) {
            line(block, "if (g_" + g + " < hi_" + g + ") {");
            line(inTile, "final long " + index(g) + " = " + firstRow(g) + ";");
        }
        if (!probes.isEmpty()) {
            line(inTile, declareProbes(probes.size()));
        }
        Map<String, String> first = indexOf(l.points());
        first.put(k, "0");
        for (Buffer b : tiles.filled) {
            fill(l, tiles, b, offset(b, first), size(k), inTile);
        }
        out.append(phases);
        Set<Buffer> writtenByRows = byRows ? written(l.nest().phases().getLast()) : Set.of();
        for (Buffer b : tiles.written) {
            if (!writtenByRows.contains(b)) {
                line(inTile, tileOut(tiles, b, first));
            }
        }
        if (byRows) {
            close(block);
            keptInBlock = tiles.blockOnly;
            rowsOfBlock(l, tiles, block);
            keptInBlock = Set.of();
            line(block, previous(g) + " = g_" + g + " < hi_" + g + " ? " + firstRow(g) + " : -1;");
        }
        closeBlocks(outer, indent);
        return tiled;
    }

    /** Launch {@code l}'s kernel's form, INLINE where absent. */
    private KernelForm form(Schedule.Launch l) {
        return forms.getOrDefault(l.kernel().id(), KernelForm.INLINE);
    }

    /**
     * Fills tile {@code b} with the block's rows at element {@code offset}, each {@code k} long, and
     * checks an input's values for NaN and ∞: by the class's {@code tileIn}, or, where the kernel's
     * form writes squares out ({@link KernelForm#TILES}) and the rows are a square of 16 (K = 16 on
     * a machine of 16 f32 lanes), by the transpose written out here. Called once a block, the
     * transpose converted its permutes' index vectors again and saved every live register around
     * the call: GRPO's kernel took a sixth longer (docs/benchmarks.md).
     */
    private void fill(Schedule.Launch l, Tiles tiles, Buffer b, String offset, String k, String indent) {
        String call = "tileIn(b" + b.id() + ", " + b.id() + ", " + checked(b) + ", " + offset + ", " + k + ", stage, rows, " + tiles.name(b) + ");";
        if (!form(l).tilesWrittenOut()) {
            line(indent, call);
            return;
        }
        String in = indent + "    ";
        String sq = "sq" + b.id() + "_";
        line(indent, "if (F.length() == 16 && " + k + " == 16) {");
        line(in, "final long " + sq + "at = (" + offset + ") * 4L;");
        TileSources.Square square = new TileSources.Square(sq, "b" + b.id(), sq + "at + ", "L * 64L", tiles.name(b), "", String.valueOf(checked(b)));
        TileSources.squareIn(out, 16, square, in);
        if (checked(b)) {
            line(in, "if (" + square.nonFinite() + ") { Kernels.nonFiniteIn(b" + b.id() + ", " + b.id() + ", " + offset + ", 256); }");
        }
        line(indent, "} else {");
        line(in, call);
        close(indent);
    }

    /**
     * f64 lanes {@code v} divided by the count {@code n} (a long): a multiplication by 1/n where n is
     * a power of two, where the quotient is the product exactly, so both round to the same bits (∞,
     * NaN, ±0 and subnormals included); else the division. A vector division has a latency of some
     * twenty cycles on the chain from a block's sums to its rows (GRPO's mean; docs/benchmarks.md).
     */
    private static String dividedBy(String v, String n) {
        return "((" + n + " & (" + n + " - 1)) == 0 ? " + v + ".mul(1.0 / " + n + ") : " + v + ".div((double) " + n + "))";
    }

    /** Whether a tile filled from {@code b} is checked for NaN and ∞ as it is transposed in: f32 inputs are (an i32 tile moves bits). */
    private static boolean checked(Buffer b) {
        return b.node().op() == Op.INPUT && b.type().dtype() == DType.F32;
    }

    /** The statement transposing tile {@code b} back into memory at the block's rows, {@code first}. */
    private String tileOut(Tiles tiles, Buffer b, Map<String, String> first) {
        return "tileOut(" + tiles.name(b) + ", " + size(tiles.column) + ", stage, rows, b" + b.id() + ", " + offset(b, first) + ");";
    }

    /**
     * The code of launch {@code l}'s phases across lanes, with {@code tiles} (and the probes) filled
     * in as they are rendered; with {@code lastByRows}, the last one's loop along the rows only where
     * they are shorter than a vector ({@link #lastByRows}).
     */
    private String acrossPhases(Schedule.Launch l, Tiles tiles, Map<String, Probe> probes, String block, boolean lastByRows) {
        tiles.byValue.putAll(byValue(l));
        tiles.strided = strided(l, tiles.lanes);
        StringBuilder enclosing = out;
        out = new StringBuilder();
        Set<String> done = new HashSet<>();
        List<Schedule.Phase> phases = l.nest().phases();
        for (Schedule.Phase p : phases) {
            acrossPhase(l, p, tiles, done, probes, block, lastByRows && p == phases.getLast());
        }
        String code = out.toString();
        out = enclosing;
        return code;
    }

    // ---- a block's last phase row by row ------------------------------------------------------------

    /**
     * Whether launch {@code l}'s last phase, after phases across lanes through {@code tiles}, runs
     * row by row where a row fills a vector (K ≥ F.length()): an element-wise phase whose outputs
     * are tiles, reading nothing that lives in the block's tiles alone but picks of a sort by value
     * at an element the same for the block. The phase's values per row are computed across lanes
     * as before and kept lane by lane; then each of the block's rows reads its inputs from memory,
     * still in cache from the transpose in, a vector along K at a time, and writes its outputs in
     * place: no tile written, no transpose back ({@link #rowsOfBlock}; GRPO's group norm 15% faster,
     * docs/benchmarks.md). Values and bits are the tile form's.
     */
    private boolean lastByRows(Schedule.Launch l, Tiles tiles) {
        List<Schedule.Phase> phases = l.nest().phases();
        Schedule.Phase last = phases.getLast();
        if (phases.size() < 2 || last.sort() != null || !vectorised(l)
                || !last.outputs().stream().allMatch(o -> o instanceof Schedule.Store && tiles.holds(o.buffer()))) {
            return false;
        }
        /* a sort's permutation that nothing after the loop reads is never in memory */
        Set<Buffer> tileOnly = new HashSet<>();
        phases.stream().filter(p -> p.sort() != null && !p.sort().readAfter()).forEach(p -> tileOnly.add(p.sort().buffer()));
        Set<Node> seen = new HashSet<>();
        return last.outputs().stream().allMatch(o -> readsMemory(o.buffer().node(), stored(last), tileOnly, tiles, seen));
    }

    /**
     * Whether {@code n}, in a phase computing {@code own}, reads memory only (and inputs along K
     * only through tiles), or picks of a sort by value at an element the same for the block.
     */
    private boolean readsMemory(Node n, Set<Node> own, Set<Buffer> tileOnly, Tiles tiles, Set<Node> seen) {
        if (!seen.add(n)) {
            return true;
        }
        if (plan.isBuffer(n) && !own.contains(n)) {
            Buffer b = plan.buffer(n);
            /* an input read along K is read through a tile, checked as it is filled */
            boolean unchecked = n.op() == Op.INPUT && b.type().dims().contains(tiles.column) && !tiles.holds(b);
            return !tileOnly.contains(b) && !unchecked;
        }
        for (Map.Entry<Buffer, Buffer> sort : tiles.byValue.entrySet()) {
            Node at = pickedAt(n, sort.getKey(), sort.getValue(), tiles.column, tiles.lanes);
            if (at != null) {
                return at != sort.getKey().node() && readsMemory(at, own, tileOnly, tiles, seen);
            }
        }
        for (Node in : n.inputs()) {
            if (!readsMemory(in, own, tileOnly, tiles, seen)) {
                return false;
            }
        }
        return true;
    }

    /** The buffers phase {@code p} stores. */
    private static Set<Buffer> written(Schedule.Phase p) {
        Set<Buffer> written = new java.util.LinkedHashSet<>();
        p.outputs().forEach(o -> written.add(o.buffer()));
        return written;
    }

    /** The variable holding the first row of a block of rows across lanes of {@code g}, where its i_G is declared again row by row. */
    private static String firstRow(String g) {
        return "block_" + g;
    }

    /** By rows, the first row of the block whose rows run in this step (the block before), or −1. */
    private static String previous(String g) {
        return "prev_" + g;
    }

    /** By rows, where in the arrays of what rows take from a block this step's block keeps it: 0 or F.length(), in turn. */
    private static String slot(String g) {
        return "slot_" + g;
    }

    /**
     * Launch {@code l}'s last phase ({@link #lastByRows}) for the rows of the block before this
     * step's (the rows run one block behind, so that the processor overlaps them with this block's
     * chain of phases across lanes), where they fill a vector: a vector along K at a time of each
     * row in turn, the rows' loop (a constant F.length() long) inside the one along K, whose last
     * vector overlaps the one before (a loop along K per row cost as much as it saved at K = 16).
     * What the rows take from the block is lane {@code lane} of the half of its arrays it was kept
     * in. The inputs the block's tiles were filled from were checked for NaN and ∞ as they were
     * transposed; the phase reads no other input along K.
     *
     * <p>Rows exactly a vector long (K = F.length(): GRPO's groups of 16 with AVX-512, of 8 with
     * AVX2) run in a loop of their own, which reaches row {@code lane} at the block's first row
     * plus {@code lane · F.length()}: a constant stride, so C2 checks the block's bounds once
     * before the loop instead of at each row's load and store ({@link Lanes#squareRows}). The
     * phase's code is then written twice; a kernel in the shortest form ({@link KernelForm#TERMS})
     * has the one loop alone.
     */
    private void rowsOfBlock(Schedule.Launch l, Tiles tiles, String indent) {
        String g = tiles.lanes;
        String k = tiles.column;
        String in = indent + "        ";
        if (form(l) == KernelForm.TERMS) {
            line(indent, "if (" + size(k) + " >= F.length() && " + previous(g) + " >= 0) {");
        } else {
            line(indent, "if (" + size(k) + " == F.length() && " + previous(g) + " >= 0) {");
            line(indent + "    ", "final int was = " + slot(g) + " ^ F.length();");
            line(indent + "    ", "final long " + index(k) + " = 0;");
            line(indent + "    ", "for (int lane = 0; lane < F.length(); lane++) {");
            line(in, "final long " + index(g) + " = " + previous(g) + " + lane;");
            rowsBody(l, tiles, in, true);
            close(indent + "    ");
            out.append(indent).append("} else if (").append(size(k)).append(" >= F.length() && ").append(previous(g)).append(" >= 0) {\n");
        }
        line(indent + "    ", "final int was = " + slot(g) + " ^ F.length();");
        line(indent + "    ", "for (long c_" + k + " = 0; c_" + k + " < " + size(k) + "; c_" + k + " += F.length()) {");
        line(in, "final long " + index(k) + " = Math.min(c_" + k + ", " + size(k) + " - F.length());");
        line(in, "for (int lane = 0; lane < F.length(); lane++) {");
        line(in + "    ", "final long " + index(g) + " = " + previous(g) + " + lane;");
        rowsBody(l, tiles, in + "    ", false);
        close(in);
        close(indent + "    ");
        close(indent);
    }

    /** The body of {@link #rowsOfBlock}'s loop over a block's rows, at {@code in}: with {@code square}, rows a vector long. */
    private void rowsBody(Schedule.Launch l, Tiles tiles, String in, boolean square) {
        String k = tiles.column;
        StringBuilder rowCode = new StringBuilder();
        Values row = new Values(plan, this, rowCode, in, "r", new int[1]);
        for (Values.Taken t : tiles.kept()) {
            String v = tiles.perRow(t) + "[was + lane]";
            row.bind(t.n(), t.ix(), row.declare(t.value().dtype(), t.value().dtype() == DType.BOOL ? v + " != 0f" : v));
        }
        Map<String, String> ix = indexOf(l.points());
        Set<String> filled = new HashSet<>();
        for (Buffer b : tiles.filled) {
            filled.add(new Probe(b, ix).key(index(k)));
        }
        Lanes vector = new Lanes(row, index(k), in, filled);
        if (square) {
            vector.squareRows = tiles.lanes;
        }
        vectorBody(l, l.nest().phases().getLast(), vector, null, false);
        if (!vector.probed.isEmpty()) {
            throw new IllegalStateException("a block's rows read an input its tiles were not filled from: " + vector.probed.keySet());
        }
        out.append(rowCode).append(vector.code);
    }

    /** Whether a reduction of {@code l} is stored over another last dimension than the lanes' {@code g}: then lane by lane. */
    private static boolean strided(Schedule.Launch l, String g) {
        return l.nest().phases().stream().flatMap(p -> p.outputs().stream())
                .anyMatch(o -> o instanceof Schedule.Reduce r && r.finished() == Schedule.Finished.ROW && !r.buffer().type().dims().getLast().equals(g));
    }

    /** Declares the f32 tiles {@code names} of a vector of rows of {@code k}, the stage and the rows' offsets of a transpose, and where gathers read each lane's index. */
    private void tiles(List<String> names, String k, boolean gathers, String indent) {
        String n = size(k) + " * F.length()";
        for (String t : names) {
            line(indent, "final float[] " + t + " = " + local("floats", n) + ";");
        }
        line(indent, "final float[] stage = " + local("floats", n) + ";");
        line(indent, "final int[] rows = rowOffsets(" + size(k) + ", " + local("ints", "F.length()") + ")"
                + (gathers ? ", lanesAt = " + local("ints", "F.length()") : "") + ";");
    }

    /** Declares a tile sort's comparator network for columns of {@code n}, and with {@code keys} (a sort that permutes) its keys. */
    private void tileSortScratch(String n, boolean keys, String indent) {
        if (keys) {
            line(indent, "final long[] keys = " + local("longs", n + " * F.length()") + ";");
        }
        line(indent, "final int[] network = Sorting.network((int) " + n + ");");
    }

    /**
     * Opens the loops over {@code outer} (the first split among parts), over its dimension G a
     * vector of rows at a time (the variable {@code first} the block's first row; the last block
     * overlaps the one before, {@code g_G} where it would have started); with {@code pipelined}, one
     * step more, for the rows of the last block ({@link #rowsOfBlock}); returns the indent inside.
     */
    private String openBlocks(List<String> outer, String g, String first, boolean pipelined, String indent) {
        String in = indent;
        for (int i = 0; i < outer.size(); i++) {
            if (!outer.get(i).equals(g)) {
                in = open(outer.get(i), i == 0, in);
                continue;
            }
            boolean split = i == 0;
            line(in, "final long lo_" + g + " = " + (split ? "Kernels.vectorSplit(" + size(g) + ", part, parts, F.length())" : "0") + ";");
            line(in, "final long hi_" + g + " = " + (split ? "Kernels.vectorSplit(" + size(g) + ", part + 1, parts, F.length())" : size(g)) + ";");
            if (pipelined) {
                /* one step more than blocks: each step runs its block's phases across lanes, then the rows of the block before */
                line(in, "long " + previous(g) + " = -1;");
                line(in, "int " + slot(g) + " = 0;");
                line(in, "for (long g_" + g + " = lo_" + g + "; g_" + g + " < hi_" + g + " + F.length(); g_" + g + " += F.length(), " + slot(g) + " ^= F.length()) {");
            } else {
                line(in, "for (long g_" + g + " = lo_" + g + "; g_" + g + " < hi_" + g + "; g_" + g + " += F.length()) {");
            }
            line(in + "    ", "final long " + first + " = Math.max(0L, Math.min(g_" + g + ", hi_" + g + " - F.length()));");
            in += "    ";
        }
        return in;
    }

    private void closeBlocks(List<String> outer, String indent) {
        for (int i = outer.size() - 1; i >= 0; i--) {
            close(indent + "    ".repeat(i));
        }
    }

    // ---- short sorts across lanes -----------------------------------------------------------------

    /**
     * An argsort of f32 rows over [.., G, K] along K: where K is short ({@value #SHORT} or less)
     * and there are at least a vector of rows, a block of rows sorted at once, one per lane — each
     * block transposed into a tile, sorted by a comparator network ({@link Sorting#network}) on
     * whole columns, its permutation transposed back. Other sizes sort row by row.
     */
    @Override
    protected void sort(Schedule.Launch l, Kernel.Argsort k, String indent) {
        Attrs.Argsort a = k.output().node().attrs(Attrs.Argsort.class);
        List<String> dims = k.input().type().dims();
        if (k.input().type().dtype() != DType.F32 || dims.size() < 2 || !dims.getLast().equals(a.dim())) {
            super.sort(l, k, indent);
            return;
        }
        usesTiles = true;
        usesSort = true;
        String n = size(a.dim());
        line(indent, "if (" + n + " >= 1 && " + n + " <= " + SHORT + " && " + size(dims.get(dims.size() - 2)) + " >= F.length()) {");
        String in = indent + "    ";
        tiles(List.of("values", "order"), a.dim(), false, in);
        tileSortScratch(n, true, in);
        String block = openBlocks(l.lanes(), l.lanes().getLast(), index(l.lanes().getLast()), false, in);
        Map<String, String> first = indexOf(dims);
        first.put(a.dim(), "0");
        line(block, "tileIn(b" + k.input().id() + ", " + k.input().id() + ", " + (k.input().node().op() == Op.INPUT) + ", "
                + offset(dims, first) + ", " + n + ", stage, rows, values);");
        line(block, "sortColumns(values, " + n + ", network, " + a.descending() + ", keys, order);");
        line(block, "tileOut(order, " + n + ", stage, rows, b" + k.output().id() + ", " + offset(dims, first) + ");");
        closeBlocks(l.lanes(), in);
        line(indent, "} else {");
        super.sort(l, k, indent + "    ");
        close(indent);
    }

    /**
     * One phase of a block of rows across lanes: per-block scalars and vectors first, then the loop
     * along the rows with each reduction's accumulators, then the reductions stored for the block.
     */
    private void acrossPhase(Schedule.Launch l, Schedule.Phase p, Tiles tiles, Set<String> done, Map<String, Probe> probes, String block,
            boolean byRows) {
        if (p.sort() != null) {
            Schedule.Sort s = p.sort();
            tiles.read(s.input());
            if (tiles.byValue.containsKey(s.buffer())) {
                usesValueSort = true;
                boolean finite = tiles.filled.contains(s.input()) && checked(s.input());
                String call = "sortValues(" + tiles.name(s.input()) + ", " + size(tiles.column) + ", network, " + s.attrs().descending() + ", "
                        + finite + ", " + tiles.sorted(s.buffer()) + ");";
                if (form(l) != KernelForm.INLINE) {
                    line(block, call);
                    return;
                }
                /* written out in the kernel's method where a row is 16 long, as its square tiles are ({@link #fill}) */
                line(block, "if (F.length() == 16 && " + size(tiles.column) + " == 16) {");
                TileSources.valueSort(out, 16, new TileSources.ValueSort("vs" + s.buffer().id() + "_", tiles.name(s.input()),
                        String.valueOf(s.attrs().descending()), String.valueOf(finite), tiles.sorted(s.buffer()), "16"), block + "    ");
                line(block, "} else {");
                line(block + "    ", call);
                close(block);
                return;
            }
            (s.readAfter() ? tiles.written : tiles.tileOnly).add(s.buffer());
            line(block, "sortColumns(" + tiles.name(s.input()) + ", " + size(tiles.column) + ", network, " + s.attrs().descending() + ", keys, "
                    + tiles.name(s.buffer()) + ");");
            return;
        }
        String gi = index(tiles.lanes);
        String ki = index(tiles.column);
        String in = block + "    ";
        StringBuilder scalarCode = new StringBuilder();
        Values scalar = new Values(plan, this, scalarCode, in, "r", new int[1]);
        Lanes perBlock = new Lanes(scalar, gi, gi, "u", in, Set.copyOf(done), tiles);
        /* by rows, the loop along them runs only where they are shorter than a vector */
        String loop = byRows ? in + "    " : in;
        Lanes perColumn = new Lanes(perBlock.memo, gi, ki, "w", loop + "    ", Set.copyOf(done), tiles);
        if (byRows) {
            perColumn.memo.collectFromRow(tiles.perRow);
        }
        /* what is the same in every lane but varies along the rows: a scalar per step */
        perColumn.memo.withScalars(new Values(plan, this, perColumn.code, loop + "    ", "c", new int[1], scalar, ki), gi);
        Values memo = perColumn.memo.computeInline(stored(p));
        Map<String, String> ix = indexOf(l.points());
        List<Schedule.Reduce> reduces = new java.util.ArrayList<>();
        for (Schedule.Output o : p.outputs()) {
            Node n = o.buffer().node();
            if (o instanceof Schedule.Reduce r) {
                reduces.add(r);
                Values.Value v = memo.value(accumulated(plan, n), ix);
                perColumn.statement(sum(r) ? "final FloatVector " + term(r) + " = " + summand(v, r.reduction(), null) + ";"
                        : accumulate(vacc(r), null, v, r.reduction(), null));
            } else {
                perColumn.store(o.buffer(), memo.value(n, ix), ix);
            }
        }
        Map<String, Probe> mine = new LinkedHashMap<>();
        for (Lanes lanes : List.of(perBlock, perColumn)) {
            mine.putAll(lanes.probed);
        }
        probes.putAll(mine);
        done.addAll(mine.keySet());
        line(block, "{");
        out.append(scalarCode).append(perBlock.code);
        vectorAccumulators(reduces.stream().filter(r -> !sum(r) || !tiles.sumsInMemory).toList(), in);
        KernelForm form = form(l);
        boolean paired = form != KernelForm.TERMS;
        List<Schedule.Reduce> held = heldInF32(reduces, tiles, form.held() && !byRows);
        if (!held.isEmpty()) {
            tiles.held = Math.max(tiles.held, held.size());
            line(in, "boolean " + F32_BLOCKS + " = " + size(tiles.column) + " == " + PAIRED + " || " + size(tiles.column) + " == " + 2 * PAIRED + ";");
        }
        if (tiles.sumsInMemory && reduces.stream().anyMatch(VectorTarget::sum)) {
            /* each phase's sums are stored or merged by its end: the phase starts them all at 0 */
            line(in, "java.util.Arrays.fill(sums, 0.0);");
        }
        if (byRows) {
            line(in, "if (" + size(tiles.column) + " < F.length()) {");
        }
        alongRows(tiles, sums(reduces), held, perColumn.code.toString(), paired, loop);
        if (byRows) {
            Map<String, String> first = new LinkedHashMap<>(ix);
            first.put(tiles.column, "0");
            for (Schedule.Output o : p.outputs()) {
                line(loop, tileOut(tiles, o.buffer(), first));
            }
            line(in, "} else {");
            /* what the rows take from the block, lane by lane */
            for (Values.Taken t : tiles.kept()) {
                String v = t.value().dtype() == DType.BOOL ? "FloatVector.zero(F).blend(1f, " + t.value().expr() + ")" : t.value().expr();
                line(loop, v + ".intoArray(" + tiles.perRow(t) + ", " + slot(tiles.lanes) + ");");
            }
            close(in);
        }
        for (Schedule.Reduce r : reduces) {
            if (r.finished() != Schedule.Finished.ROW) {
                mergeLanes(r, tiles, ix, in);
                continue;
            }
            String v = switch (r.reduction()) {
                case MAX, MIN -> vacc(r);
                case MEAN -> halves(dividedBy(tiles.half(r, 0), size(tiles.column)), dividedBy(tiles.half(r, 1), size(tiles.column)));
                default -> halves(tiles.half(r, 0), tiles.half(r, 1));
            };
            if (held.contains(r)) {
                v = fromHeld(r, held.indexOf(r), tiles, v, in);
            }
            if (r.buffer().type().dims().getLast().equals(tiles.lanes)) {
                if (!plan.readBeyond(r.buffer(), l.kernel())) {
                    tiles.blockOnly.add(r.buffer());
                    line(in, v + ".intoArray(" + tiles.inBlock(r.buffer()) + ", 0);");
                } else {
                    line(in, v + ".intoMemorySegment(b" + r.buffer().id() + ", (" + offset(r.buffer(), ix) + ") * 4L, ORDER);");
                }
                continue;
            }
            /* over another last dimension: lane by lane, through an array */
            Map<String, String> at = new LinkedHashMap<>(ix);
            at.put(tiles.lanes, gi + " + l");
            line(in, v + ".intoArray(strided, 0);");
            line(in, "for (int l = 0; l < F.length(); l++) { b" + r.buffer().id() + ".setAtIndex(JAVA_FLOAT, " + offset(r.buffer(), at) + ", strided[l]); }");
        }
        if (!mine.isEmpty()) {
            /* checked in the phase, where the reads' per-row indices are in scope; a check that passes leaves every probe 0 */
            StringBuilder rescan = new StringBuilder();
            for (Probe pr : mine.values()) {
                rescan.append("Kernels.nonFiniteIn(b").append(pr.buffer().id()).append(", ").append(pr.buffer().id()).append(", ")
                        .append(offset(pr.buffer().type().dims(), pr.at())).append(", F.length()); ");
            }
            line(in, "if (" + probeIsNaN(probes.size()) + ") { " + rescan + "}");
        }
        close(block);
    }

    /**
     * The loop along a block's rows (tile column K), each {@code step} computing every sum's term
     * ({@link #term}) for the lanes' rows at {@code i_K}. Where {@code paired}, each block of
     * {@value #PAIRED} steps sums each reduction's terms pairwise in f32 — ((t₀ + t₁) + (t₂ + t₃)) +
     * ((t₄ + t₅) + (t₆ + t₇)), combined as they come so that few are live — and adds that one
     * vector to the f64 lanes: an eighth of the conversions, which bound GRPO's and QR-DQN's loops
     * (docs/benchmarks.md). A lane whose block sum is not finite (an overflow f64 would not have,
     * or a NaN or ∞ term) adds −0 instead, and then the block's terms one by one in f64, from the
     * block run again step by step (its stores and max/min rewrite the same values); so does every
     * lane for the last steps, fewer than {@value #PAIRED}. Each row's sum depends on its own terms
     * alone. The sums {@code held} ({@link #heldInF32}) store their block sums in the array
     * {@code held} instead, while the row is one or two blocks and every block is finite
     * ({@link #fromHeld}); a block that is not hands the ones held before it to the f64 lanes.
     */
    private void alongRows(Tiles tiles, List<Schedule.Reduce> sums, List<Schedule.Reduce> held, String step, boolean paired, String indent) {
        String k = tiles.column;
        String i = index(k);
        String in = indent + "    ";
        if (sums.isEmpty() || !paired) {
            line(indent, loop(i, "0", size(k), false));
            out.append(step);
            for (Schedule.Reduce r : sums) {
                line(in, addInHalves(tiles.halves(r), term(r)));
            }
            close(indent);
            return;
        }
        String j = "j_" + k;
        line(indent, "for (long " + j + " = 0; " + j + " < " + size(k) + "; " + j + " += " + PAIRED + ") {");
        for (Schedule.Reduce r : sums) {
            line(in, "FloatVector " + block(r) + " = NOT_PAIRED;");
        }
        line(in, "if (" + j + " + " + PAIRED + " <= " + size(k) + ") {");
        String copy = in + "    ";
        /* partial sums pending, each as its first step and its width: two of one width become one of twice the width */
        List<int[]> pending = new java.util.ArrayList<>();
        for (int u = 0; u < PAIRED; u++) {
            for (Schedule.Reduce r : sums) {
                line(copy, "final FloatVector " + term(r) + "_" + u + ";");
            }
            line(copy, "{");
            line(copy + "    ", "final long " + i + " = " + j + " + " + u + ";");
            step.lines().forEach(s -> line("        ", s));
            for (Schedule.Reduce r : sums) {
                line(copy + "    ", term(r) + "_" + u + " = " + term(r) + ";");
            }
            close(copy);
            pending.add(new int[] {u, 1});
            while (pending.size() >= 2 && pending.getLast()[1] == pending.get(pending.size() - 2)[1]) {
                int[] b = pending.removeLast();
                int[] a = pending.removeLast();
                int[] both = {a[0], 2 * a[1]};
                String to = both[1] == PAIRED ? "" : "final FloatVector ";
                for (Schedule.Reduce r : sums) {
                    line(copy, to + (both[1] == PAIRED ? block(r) : term(r) + partial(both)) + " = " + term(r) + partial(a) + ".add(" + term(r) + partial(b) + ");");
                }
                pending.add(both);
            }
        }
        close(in);
        for (Schedule.Reduce r : sums) {
            line(in, "final VectorMask<Float> " + finite(r) + " = " + block(r) + ".abs().compare(VectorOperators.LE, Float.MAX_VALUE);");
        }
        line(in, "if (" + String.join(" && ", sums.stream().map(r -> finite(r) + ".allTrue()").toList()) + ") {");
        String add = in + "    ";
        if (!held.isEmpty()) {
            line(add, "if (" + F32_BLOCKS + ") {");
            for (Schedule.Reduce r : held) {
                line(add + "    ", block(r) + ".intoArray(held, " + heldAt(held.indexOf(r), "(int) (" + j + " / " + PAIRED + ")") + ");");
            }
            line(add, "} else {");
            for (Schedule.Reduce r : held) {
                line(add + "    ", addInHalves(tiles.halves(r), block(r)));
            }
            close(add);
        }
        for (Schedule.Reduce r : sums) {
            if (!held.contains(r)) {
                line(add, addInHalves(tiles.halves(r), block(r)));
            }
        }
        line(in, "} else {");
        String again = in + "    ";
        if (!held.isEmpty()) {
            /* a block not finite: the f64 lanes take over, from the first block if it was held */
            line(again, "if (" + F32_BLOCKS + ") {");
            line(again + "    ", "if (" + j + " == " + PAIRED + ") {");
            for (Schedule.Reduce r : held) {
                line(again + "        ", addInHalves(tiles.halves(r), heldBlock(held.indexOf(r), 0)));
            }
            close(again + "    ");
            line(again + "    ", F32_BLOCKS + " = false;");
            close(again);
        }
        for (Schedule.Reduce r : sums) {
            line(again, addInHalves(tiles.halves(r), block(r) + ".blend(-0f, " + finite(r) + ".not())"));
        }
        line(again, "for (long " + i + " = " + j + "; " + i + " < Math.min(" + j + " + " + PAIRED + ", " + size(k) + "); " + i + "++) {");
        step.lines().forEach(s -> line("        ", s));
        for (Schedule.Reduce r : sums) {
            line(again + "    ", addInHalves(tiles.halves(r), term(r) + ".blend(-0f, " + finite(r) + ")"));
        }
        close(again);
        close(in);
        close(indent);
    }

    /**
     * The sums of a phase in tiles whose blocks are held in f32 where a row is one or two blocks
     * (K = {@value #PAIRED} or 2·{@value #PAIRED}): the sums and means finished with their row, where
     * {@code allowed} (the kernel's form holds them, {@link KernelForm#held}; the phase is not the rows' own) and the sums keep
     * their lanes in locals; else none.
     */
    private static List<Schedule.Reduce> heldInF32(List<Schedule.Reduce> reduces, Tiles tiles, boolean allowed) {
        return !allowed || tiles.sumsInMemory ? List.of() : sums(reduces).stream()
                .filter(r -> r.finished() == Schedule.Finished.ROW && (r.reduction() == Reduction.SUM || r.reduction() == Reduction.MEAN))
                .toList();
    }

    /** Where the {@code i}-th held sum's block {@code block} starts in {@code held}. */
    private static String heldAt(int i, String block) {
        return (i == 0 ? block : "(" + 2 * i + " + " + block + ")") + " * F.length()";
    }

    /** The {@code i}-th held sum's block {@code block} (0 or 1), read back. */
    private static String heldBlock(int i, int block) {
        int at = 2 * i + block;
        return "FloatVector.fromArray(F, held, " + (at == 0 ? "0" : at == 1 ? "F.length()" : at + " * F.length()") + ")";
    }

    /**
     * Held sum {@code r}'s row value where its blocks were held in f32 ({@link #alongRows}), else
     * {@code f64}, its value from the f64 lanes. One block's sum is the f64 lanes' exactly; two
     * blocks' f32 sum is their f64 sum rounded once to f32, since rounding to 53 bits and then to 24
     * is rounding to 24 (53 ≥ 2·24 + 2; Figueroa, "When is double rounding innocuous?", 1995). Adding
     * +0 (a mean's fma adds it) turns −0 + −0 into +0, as the f64 lanes, which start at +0, do. A
     * mean multiplies by 1/K in f32, which is exact where the sum is 0 or at least 2⁻¹²² (the
     * quotient is then normal) and finite (two blocks' f32 sum may overflow where f64's does not):
     * elsewhere the held blocks go to the f64 lanes, in order, and the mean is theirs.
     */
    private String fromHeld(Schedule.Reduce r, int i, Tiles tiles, String f64, String indent) {
        String k = size(tiles.column);
        String s = "held" + r.buffer().id();
        line(indent, "final FloatVector " + s + " = " + k + " == " + 2 * PAIRED + " ? " + heldBlock(i, 0) + ".add(" + heldBlock(i, 1) + ") : "
                + heldBlock(i, 0) + ";");
        if (r.reduction() == Reduction.SUM) {
            return "(" + F32_BLOCKS + " ? " + s + ".add(0f) : " + f64 + ")";
        }
        String exact = "f32_" + r.buffer().id();
        line(indent, "final boolean " + exact + " = " + F32_BLOCKS + " && " + s + ".abs().compare(VectorOperators.GE, 0x1p-122f).and(" + s
                + ".abs().compare(VectorOperators.LE, Float.MAX_VALUE)).or(" + s + ".compare(VectorOperators.EQ, 0f)).allTrue();");
        line(indent, "if (" + F32_BLOCKS + " && !" + exact + ") {");
        line(indent + "    ", addInHalves(tiles.halves(r), heldBlock(i, 0)));
        line(indent + "    ", "if (" + k + " == " + 2 * PAIRED + ") " + addInHalves(tiles.halves(r), heldBlock(i, 1)));
        close(indent);
        return "(" + exact + " ? " + s + ".fma((float) (1.0 / " + k + "), 0f) : " + f64 + ")";
    }

    /** Sum {@code r}'s pairwise sum of a block of steps ({@link #alongRows}). */
    private static String block(Schedule.Reduce r) {
        return "block" + r.buffer().id();
    }

    /** The lanes where sum {@code r}'s block sum is finite ({@link #alongRows}). */
    private static String finite(Schedule.Reduce r) {
        return "paired" + r.buffer().id();
    }

    /** The suffix naming the partial sum of a block's steps from {@code first[0]}, {@code first[1]} of them. */
    private static String partial(int[] first) {
        return first[1] == 1 ? "_" + first[0] : "_" + first[0] + "_" + (first[0] + first[1] - 1);
    }

    /** A step's term of sum {@code r}: the f32 vector it adds. */
    private static String term(Schedule.Reduce r) {
        return "term" + r.buffer().id();
    }

    /**
     * Two f64 vectors of half as many lanes, rounded into one f32 vector: written out where it is
     * used, since a call that C2 does not inline (a big kernel reaches its node-count cutoff) boxes
     * its vectors.
     */
    private static String halves(String lo, String hi) {
        return "((FloatVector) " + lo + ".convertShape(VectorOperators.D2F, F, 0)).blend((FloatVector) " + hi
                + ".convertShape(VectorOperators.D2F, F, -1), UPPER)";
    }

    /**
     * Merges a reduction's per-row partials into its scratch, row by row as the rows' own loops
     * would: only the lanes this block is first to reach (the last block overlaps the one before).
     * A sum's lane l is its f64 slot l ({@link Tiles#sums}).
     */
    private void mergeLanes(Schedule.Reduce r, Tiles tiles, Map<String, String> ix, String indent) {
        String g = tiles.lanes;
        String gi = index(g);
        String in = indent + "    ";
        line(indent, "{");
        if (!sum(r)) {
            line(in, "final float[] lanes = " + vacc(r) + ".toArray();");
        } else if (!tiles.sumsInMemory) {
            line(in, "final double[] low = " + vacc(r) + "_0.toArray(), high = " + vacc(r) + "_1.toArray();");
        }
        line(in, "for (int l = (int) (g_" + g + " - " + gi + "); l < F.length(); l++) {");
        Map<String, String> at = new LinkedHashMap<>(ix);
        at.put(g, gi + " + l");
        String v = !sum(r) ? "(double) lanes[l]" : tiles.sumsInMemory ? "sums[" + tiles.sumAt(r) + " + l]" : "(l < D.length() ? low[l] : high[l - D.length()])";
        line(in + "    ", inSlots(r, offset(r.buffer(), at), r.reduction().merge(this, "p0_", "p1_", v, sum(r) ? "0.0" : null)));
        close(in);
        close(indent);
    }

    private static boolean sum(Schedule.Reduce r) {
        return r.reduction() != Reduction.MAX && r.reduction() != Reduction.MIN;
    }

    /** Where the i-th sum of a loop starts in {@code sums}. */
    private static String slot(int i) {
        return i == 0 ? "0" : i + " * F.length()";
    }

    /** The halves of sum {@code r}, one of a row loop's {@code local} reductions: its slots in {@code sums}, or its locals. */
    private static Halves rowHalves(Schedule.Reduce r, List<Schedule.Reduce> local, boolean inMemory) {
        return inMemory ? Halves.inMemory(slot(sums(local).indexOf(r))) : Halves.locals(vacc(r));
    }

    /** The sums among {@code reduces}, in the order of their slots ({@link Halves#inMemory}). */
    private static List<Schedule.Reduce> sums(List<Schedule.Reduce> reduces) {
        return reduces.stream().filter(VectorTarget::sum).toList();
    }

    /** Sizes kernel {@code kernel}'s array {@code sums} for a loop of {@code count} sums. */
    private void needSums(Schedule.Launch l, int count) {
        sumSlots.merge(l.kernel().id(), count, Math::max);
    }

    @Override
    String kernelLocals(int kernel) {
        Integer count = sumSlots.get(kernel);
        return count == null || count == 0 ? "" : "        final double[] sums = " + local("doubles", count + " * F.length()") + ";\n";
    }

    /**
     * The sorts of launch {@code l} (an argsort, the first phase of a loop of rows across lanes)
     * whose permutation nothing reads but picks of the sorted input's values: x[K = argsort(x)] and
     * x[K = argsort(x)[K = i]] with i the same for the whole block, as a quantile or a sort reads
     * it. Such a sort sorts the values themselves ({@link TileSources#sortValues}), and a pick is a
     * column of the sorted tile's keys, turned back into values as it is read: no permutation, no gather. By the argsort's buffer, its input.
     */
    private Map<Buffer, Buffer> byValue(Schedule.Launch l) {
        Map<Buffer, Buffer> byValue = new HashMap<>();
        List<Schedule.Phase> phases = l.nest().phases();
        for (int i = 0; i < phases.size(); i++) {
            Schedule.Sort s = phases.get(i).sort();
            if (s == null || s.readAfter()) {
                continue;
            }
            boolean picks = true;
            Set<Node> seen = new HashSet<>();
            for (Schedule.Phase later : phases.subList(i + 1, phases.size())) {
                for (Schedule.Output o : later.outputs()) {
                    picks &= picksOnly(o.buffer().node(), true, s, l.nest().innermost(), l.nest().rows().getLast(), stored(later), seen);
                }
            }
            if (picks) {
                byValue.put(s.buffer(), s.input());
            }
        }
        return byValue;
    }

    /**
     * Whether {@code n} (a phase's output, the {@code root}, or what it is computed from) reads sort
     * {@code s}'s permutation (along {@code k}, rows across {@code g}) only through picks of its
     * input's values.
     */
    private boolean picksOnly(Node n, boolean root, Schedule.Sort s, String k, String g, Set<Node> own, Set<Node> seen) {
        Node order = s.buffer().node();
        if (n == order) {
            return false;
        }
        if (!seen.add(n) || !root && plan.isBuffer(n) && !own.contains(n)) {
            return true;
        }
        Node at = pickedAt(n, s.buffer(), s.input(), k, g);
        if (at == order) {
            return true;
        }
        if (at != null) {
            return picksOnly(at, false, s, k, g, own, seen);
        }
        for (Node in : n.inputs()) {
            if (!picksOnly(in, false, s, k, g, own, seen)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where {@code n} picks the sorted values of {@code input} by its argsort {@code order} along
     * {@code k} (rows across {@code g}): at the permutation itself (then {@code order}'s node), at
     * its element i, the same for the block (then i), or nowhere, being no such pick (null).
     */
    private Node pickedAt(Node n, Buffer order, Buffer input, String k, String g) {
        if (n.op() != Op.GATHER || !n.attrs(Attrs.Dim.class).dim().equals(k) || !plan.isBuffer(n.in(0)) || !plan.buffer(n.in(0)).equals(input)) {
            return null;
        }
        Node at = n.in(1);
        if (at == order.node()) {
            return at;
        }
        boolean element = at.op() == Op.GATHER && at.in(0) == order.node() && at.attrs(Attrs.Dim.class).dim().equals(k)
                && at.in(1).type().dims().stream().noneMatch(d -> d.equals(k) || d.equals(g));
        return element ? at.in(1) : null;
    }

    /** The buffers a block of rows across lanes reads and writes through tiles: over [.., G, K], in f32. */
    private static final class Tiles {
        final String lanes;
        final String column;
        /** Read before this launch writes them: filled from memory at each block's start. */
        final Set<Buffer> filled = new java.util.LinkedHashSet<>();
        /** Written: transposed back at each block's end. */
        final Set<Buffer> written = new java.util.LinkedHashSet<>();
        /** Whether a gather reads a tile at each lane's own index (through {@code lanesAt}). */
        boolean gathers;
        /** Written and read in the tile alone: a sort's permutation that nothing after the launch reads. */
        final Set<Buffer> tileOnly = new java.util.LinkedHashSet<>();
        /** The sorts by value ({@link #byValue}): the argsort's buffer, its input. */
        final Map<Buffer, Buffer> byValue = new LinkedHashMap<>();
        /** Whether a reduction is stored lane by lane ({@link #strided}). */
        boolean strided;
        /** The sums accumulated along the rows, in the order of their slots in {@code sums} ({@link Halves#inMemory}). */
        final List<Schedule.Reduce> sums = new java.util.ArrayList<>();
        /** Whether sums are kept in {@code sums} (rows read from memory) or in locals (rows in tiles: short loops, where memory cost a third). */
        final boolean sumsInMemory;
        /** The most sums a phase holds in f32 ({@link #heldInF32}): {@code held} has two blocks for each. */
        int held;
        /** What the last phase's loop takes from the block, where it runs row by row ({@link #lastByRows}). */
        final List<Values.Taken> perRow = new java.util.ArrayList<>();
        /**
         * Reductions finished in the block that nothing after the launch reads (no later kernel, no
         * output): a vector kept in an array of its own ({@link #inBlock}) from the phase that
         * finishes it to the phases that read it, never written to memory.
         */
        final Set<Buffer> blockOnly = new java.util.LinkedHashSet<>();

        Tiles(String lanes, String column, boolean sumsInMemory) {
            this.lanes = lanes;
            this.column = column;
            this.sumsInMemory = sumsInMemory;
        }

        boolean holds(Buffer b) {
            List<String> dims = b.type().dims();
            return dims.size() >= 2 && dims.getLast().equals(column) && dims.get(dims.size() - 2).equals(lanes);
        }

        void read(Buffer b) {
            if (byValue.containsKey(b)) {
                throw new IllegalStateException("a sort by value has no permutation to read: " + b);
            }
            if (!written.contains(b) && !tileOnly.contains(b)) {
                filled.add(b);
            }
        }

        Set<Buffer> all() {
            Set<Buffer> all = new java.util.LinkedHashSet<>(filled);
            all.addAll(written);
            all.addAll(tileOnly);
            return all;
        }

        String name(Buffer b) {
            return "t" + b.id();
        }

        /** The array holding reduction {@code b}'s vector for the block ({@link #blockOnly}). */
        String inBlock(Buffer b) {
            return "reduced" + b.id();
        }

        /** Where sum {@code r}'s slots start in {@code sums}. */
        String sumAt(Schedule.Reduce r) {
            if (!sums.contains(r)) {
                sums.add(r);
            }
            return slot(sums.indexOf(r));
        }

        /** Half {@code h} (0 lower, 1 upper) of sum {@code r}'s lanes, as an f64 vector. */
        String half(Schedule.Reduce r, int h) {
            return sumsInMemory ? Halves.inMemory(sumAt(r)).read(h == 1) : vacc(r) + "_" + h;
        }

        /** Sum {@code r}'s f64 halves for {@link #accumulate}: its slots in {@code sums}, or its locals. */
        Halves halves(Schedule.Reduce r) {
            return sumsInMemory ? Halves.inMemory(sumAt(r)) : Halves.locals(vacc(r));
        }

        /** What the rows take from the block that is kept lane by lane, in an array each: its vectors (a mask as 1 and 0); its scalars, the same for every row, are computed again. */
        List<Values.Taken> kept() {
            return perRow.stream().filter(t -> t.value().vector()).toList();
        }

        /** The array holding taken value {@code t} lane by lane. */
        String perRow(Values.Taken t) {
            return "perRow" + perRow.indexOf(t);
        }

        /** The tile of argsort {@code b}'s input sorted by value. */
        String sorted(Buffer b) {
            return "sorted" + b.id();
        }

        /** Where column {@code ix}'s point along K starts in a tile. */
        String column(Map<String, String> ix) {
            return "(int) (" + ix.get(column) + ") * F.length()";
        }
    }

    /** A scalar read; a block's rows read its reductions only through what they take from it ({@link Tiles#kept}). */
    @Override
    public Values.Value load(Values memo, Buffer b, Map<String, String> ix) {
        if (keptInBlock.contains(b)) {
            throw new IllegalStateException("a block's rows read a reduction kept in the block alone: " + b);
        }
        return super.load(memo, b, ix);
    }

    // ---- a Loop's innermost loop ------------------------------------------------------------------

    @Override
    protected void innermost(Schedule.Launch l, Schedule.Phase p, boolean split, String outer) {
        if (!vectorised(l)) {
            super.innermost(l, p, split, outer);
            return;
        }
        String dim = l.nest().innermost();
        List<Schedule.Reduce> local = locals(p);
        /* a block of its own: several phases may share the enclosing scope */
        line(outer, "{");
        String indent = outer + "    ";
        accumulators(p, indent);
        String i = index(dim);
        range(dim, split, indent);

        /*
         * Whole vectors only, no masks. After the vectors that fit, one more starts at hi − L and
         * overlaps the one before: its stores rewrite the same values, its reductions blend the
         * lanes done already to the identity. (Masked arithmetic fell back to slow scalar code under
         * C2 on JDK 25, and blending in every step cost 10% on PPO: both measured.) Rows shorter than
         * a vector run the scalar body.
         */
        String at = "at_" + dim;
        String in = indent + "        ";
        Set<String> done = checked.computeIfAbsent(l.kernel().id(), k -> new HashSet<>());
        Steps steps = steps(l, p, i, at, indent, Set.copyOf(done), false);
        /* sums in memory where a step computes enough to hide the round trip ({@link Halves#inMemory}) */
        boolean inMemory = !sums(local).isEmpty() && steps.whole().memo.count() >= BUSY_STEP;
        if (inMemory) {
            steps = steps(l, p, i, at, indent, Set.copyOf(done), true);
            needSums(l, sums(local).size());
        }
        StringBuilder rowCode = steps.rowCode();
        Lanes whole = steps.whole();
        Lanes last = steps.last();
        done.addAll(whole.probed.keySet());

        line(indent, "long " + i + " = lo_" + dim + ";");
        line(indent, "if (hi_" + dim + " - lo_" + dim + " >= F.length()) {");
        out.append(rowCode);
        String block = indent + "    ";
        line(block, "final long up_" + dim + " = lo_" + dim + " + (hi_" + dim + " - lo_" + dim + ") / F.length() * F.length();");
        if (!whole.probed.keySet().equals(last.probed.keySet())) {
            throw new IllegalStateException("a row's last vector probes other reads than the others");
        }
        line(block, "while (" + i + " < up_" + dim + ") {");
        line(in, "final long end_" + dim + " = Math.min(up_" + dim + ", " + i + " + " + BLOCK + "L * F.length());");
        blockStart(local, whole, dim, inMemory, in);
        line(in, "for (; " + i + " < end_" + dim + "; " + i + " += F.length()) {");
        out.append(whole.code);
        close(in);
        /* the row's last vector joins the last block: one flush and one probe check per row, not two */
        String tail = in + "    ";
        line(in, "if (" + i + " == up_" + dim + " && " + i + " < hi_" + dim + ") {");
        line(tail, "final long " + at + " = hi_" + dim + " - F.length();");
        if (!local.isEmpty()) {
            line(tail, "final VectorMask<Float> fresh = IOTA.compare(VectorOperators.GE, (int) (" + i + " - " + at + ")).cast(F);");
        }
        out.append(last.code);
        line(tail, i + " = hi_" + dim + ";");
        close(in);
        blockEnd(local, whole, dim, i + " - start_" + dim, inMemory, in);
        close(block);
        line(indent, "} else {");
        line(block, "for (; " + i + " < hi_" + dim + "; " + i + "++) {");
        body(l, p, block + "    ");
        close(block);
        close(indent);
        foldLocals(p, indent);
        close(outer);
    }

    /** A row's per-row values, and the code of its whole vector steps and of its last, overlapping one. */
    private record Steps(StringBuilder rowCode, Lanes whole, Lanes last) { }

    /** Phase {@code p}'s vector steps along {@code i} (the last at {@code at}), sums in {@code sums} if {@code inMemory}. */
    private Steps steps(Schedule.Launch l, Schedule.Phase p, String i, String at, String indent, Set<String> checked, boolean inMemory) {
        StringBuilder rowCode = new StringBuilder();
        Values row = new Values(plan, this, rowCode, indent + "    ", "r", new int[1]);
        String in = indent + "            ";
        Lanes whole = new Lanes(row, i, in, checked);
        vectorBody(l, p, whole, null, inMemory);
        Lanes last = new Lanes(row, at, in, checked);
        vectorBody(l, p, last, locals(p).isEmpty() ? null : "fresh", inMemory);
        return new Steps(rowCode, whole, last);
    }

    /** Declares a row's range along {@code dim}, [lo, hi): this part's share, on a vector boundary, if split. */
    private void range(String dim, boolean split, String indent) {
        line(indent, "final long lo_" + dim + " = " + (split ? "Kernels.vectorSplit(" + size(dim) + ", part, parts, F.length())" : "0") + ";");
        line(indent, "final long hi_" + dim + " = " + (split ? "Kernels.vectorSplit(" + size(dim) + ", part + 1, parts, F.length())" : size(dim)) + ";");
    }

    /**
     * One vector step of phase {@code p} in {@code vector}; reductions take only the lanes of
     * {@code fresh} (a mask variable, or null for all), sums in {@code sums} if {@code inMemory}.
     */
    private void vectorBody(Schedule.Launch l, Schedule.Phase p, Lanes vector, String fresh, boolean inMemory) {
        Values memo = vector.memo.computeInline(stored(p));
        Map<String, String> ix = indexOf(l.points());
        ix.put(l.nest().innermost(), vector.index);
        for (Schedule.Output o : p.outputs()) {
            Node n = o.buffer().node();
            if (o instanceof Schedule.Reduce r) {
                Values.Value v = memo.value(accumulated(plan, n), ix);
                vector.statement(accumulate(vacc(r), sum(r) ? rowHalves(r, locals(p), inMemory) : null, v, r.reduction(), fresh));
            } else {
                vector.store(o.buffer(), memo.value(n, ix), ix);
            }
        }
    }

    /** Before a block of vectors: fresh vector accumulators and probe. */
    private void blockStart(List<Schedule.Reduce> local, Lanes vector, String dim, boolean inMemory, String indent) {
        vectorAccumulators(local.stream().filter(r -> !sum(r) || !inMemory).toList(), indent);
        if (inMemory && local.stream().anyMatch(VectorTarget::sum)) {
            line(indent, "java.util.Arrays.fill(sums, 0.0);");
        }
        if (!vector.probed.isEmpty()) {
            line(indent, "final long start_" + dim + " = " + index(dim) + ";");
            line(indent, declareProbes(vector.probed.size()));
        }
    }

    /** Each reduction's vector accumulators, at its identity: sums in f64 halves. */
    private void vectorAccumulators(List<Schedule.Reduce> local, String indent) {
        for (Schedule.Reduce r : local) {
            line(indent, switch (r.reduction()) {
                case MAX -> "FloatVector " + vacc(r) + " = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);";
                case MIN -> "FloatVector " + vacc(r) + " = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);";
                default -> "DoubleVector " + vacc(r) + "_0 = DoubleVector.zero(D), " + vacc(r) + "_1 = DoubleVector.zero(D);";
            });
        }
    }

    /** After a block of {@code count} points: the probe checked, the accumulators flushed into f64. */
    private void blockEnd(List<Schedule.Reduce> local, Lanes vector, String dim, String count, boolean inMemory, String indent) {
        if (!vector.probed.isEmpty()) {
            line(indent, "if (" + probeIsNaN(vector.probed.size()) + ") { " + vector.rescan("start_" + dim, count) + "}");
        }
        for (Schedule.Reduce r : local) {
            String fold = switch (r.reduction()) {
                case MAX, MIN -> r.reduction().fold(this, acc(r, 0), acc(r, 1), vacc(r) + ".reduceLanes(VectorOperators." + r.reduction() + ")", null);
                default -> sumLanes(rowHalves(r, local, inMemory)) + r.reduction().fold(this, acc(r, 0), acc(r, 1), "lanes_.lane(0)", null) + " }";
            };
            line(indent, fold);
        }
    }

    /**
     * Opens a block whose {@code lanes_} holds the sum of a sum's f64 accumulators, in
     * lane 0: the upper half of the lanes folded onto the lower, then again (the shuffles and lane
     * counts are constants, which C2 folds). Written out at each flush rather than called: a big
     * kernel reaches C2's node-count cutoff for inlining, and a call then boxed the vector, a
     * quarter of QR-DQN's samples (rows of 200 flush twice each).
     */
    private static String sumLanes(Halves sum) {
        return "{ DoubleVector lanes_ = " + sum.read(false) + ".add(" + sum.read(true) + "); "
                + "if (D.length() >= 8) { lanes_ = lanes_.add(lanes_.rearrange(FOLD4)); } "
                + "if (D.length() >= 4) { lanes_ = lanes_.add(lanes_.rearrange(FOLD2)); } "
                + "if (D.length() >= 2) { lanes_ = lanes_.add(lanes_.rearrange(FOLD1)); } ";
    }

    /** The probe chains of a block that probes {@code reads} input vectors, at zero. */
    private static String declareProbes(int reads) {
        StringBuilder s = new StringBuilder("FloatVector ");
        for (int c = 0; c < Math.min(reads, PROBES); c++) {
            s.append(c == 0 ? "" : ", ").append(PROBE).append(c).append(" = FloatVector.zero(F)");
        }
        return s.append(';').toString();
    }

    /** Whether any of the probe chains of a block that probed {@code reads} input vectors met NaN or ±∞. */
    private String probeIsNaN(int reads) {
        StringBuilder s = new StringBuilder(PROBE + "0");
        for (int c = 1; c < Math.min(reads, PROBES); c++) {
            s.append(".add(").append(PROBE).append(c).append(')');
        }
        return isNan(s + ".reduceLanes(VectorOperators.ADD)");
    }

    private static String vacc(Schedule.Reduce r) {
        return "vacc" + r.buffer().id();
    }

    /**
     * A sum's two f64 accumulators, each half of an f32 vector's lanes: the locals {@code low} and
     * {@code high}, or (in memory) the slots an array and offset name.
     */
    private record Halves(String low, String high, boolean inMemory) {
        static Halves locals(String vacc) {
            return new Halves(vacc + "_0", vacc + "_1", false);
        }

        /**
         * The F.length() f64 slots of the kernel's array {@code sums} from {@code at} (the f32
         * lanes' lower half, then the upper), read, added to and written back at each step. In
         * DoubleVector locals, C2 left their loop-carried values boxed, a heap object per step, when
         * it compiled a kernel from the profile its first long call left (the loop replaced on the
         * stack before the method had run whole): QR-DQN's pairs and PPO's loss 5–7× slower in some
         * JVMs (docs/benchmarks.md). Short rows in tiles keep locals, where memory cost a third.
         */
        static Halves inMemory(String at) {
            return new Halves("sums, " + at, "sums, " + at + " + D.length()", true);
        }

        /** The lower or upper half, as an f64 vector. */
        String read(boolean upper) {
            return inMemory ? "DoubleVector.fromArray(D, " + (upper ? high : low) + ")" : upper ? high : low;
        }

        String add(boolean upper, String x) {
            String at = upper ? high : low;
            return inMemory ? "DoubleVector.fromArray(D, " + at + ").add(" + x + ").intoArray(" + at + ");" : at + " = (" + x + ").add(" + at + ");";
        }
    }

    /**
     * {@code acc} updated with {@code v} by reduction {@code red} (sum, mean, max or min), only the
     * lanes of mask {@code fresh} if not null: the others are replaced by the reduction's identity
     * (a blend, then an unmasked op; masked arithmetic falls back to scalar code in C2 on JDK 25).
     * A sum adds to its {@code halves}. The new value is the receiver, the accumulator the argument
     * (the same bits: the ops commute): C2 types a loop-carried local by its declared class, so a
     * call on it is bound to the vector's own class only through the Vector API method's type
     * profile, which every caller in the JVM shares; with that profile mixed, the op ran as Java
     * loops over boxed lanes, GRPO's kernel 12× slower (docs/benchmarks.md).
     */
    private static String accumulate(String acc, Halves halves, Values.Value v, Reduction red, String fresh) {
        String f = summand(v, red, fresh);
        if (red != Reduction.MAX && red != Reduction.MIN) {
            return addInHalves(halves, f);
        }
        return acc + " = " + f + (red == Reduction.MAX ? ".max(" : ".min(") + acc + ");";
    }

    /** What {@link #accumulate} adds: {@code v} as an f32 vector, the lanes outside {@code fresh} (if not null) at the reduction's identity. */
    private static String summand(Values.Value v, Reduction red, String fresh) {
        String f = v.dtype() == DType.I32 ? "((FloatVector) " + vec(v) + ".convertShape(VectorOperators.I2F, F, 0))"
                : v.vector() ? v.expr() : "FloatVector.broadcast(F, (float) " + v.expr() + ")";
        String identity = switch (red) {
            case MAX -> "Float.NEGATIVE_INFINITY";
            case MIN -> "Float.POSITIVE_INFINITY";
            default -> "0f";
        };
        return fresh == null ? f : "FloatVector.broadcast(F, " + identity + ").blend(" + f + ", " + fresh + ")";
    }

    /** f32 vector {@code f} added into f64 lanes {@code halves}: its two halves, converted exactly. */
    private static String addInHalves(Halves halves, String f) {
        return "{ final FloatVector f_ = " + f + "; " + halves.add(false, "(DoubleVector) f_.convertShape(VectorOperators.F2D, D, 0)") + " "
                + halves.add(true, "(DoubleVector) f_.convertShape(VectorOperators.F2D, D, 1)") + " }";
    }

    // ---- a time-major scan's rows -----------------------------------------------------------------

    /** A row of a sweep, a vector of points at a time where x and c allow; the last vector overlaps the one before. */
    @Override
    protected void sweepRow(Kernel.Scan s, String dim, boolean split, boolean first, String outer) {
        Node n = s.output().node();
        Map<String, String> ix = indexOf(n.type().dims());
        if (s.output().type().dtype() != DType.F32 || !vectorisable(plan, n.in(0), ix, index(dim), Set.of())
                || !vectorisable(plan, n.in(1), ix, index(dim), Set.of())) {
            super.sweepRow(s, dim, split, first, outer);
            return;
        }
        line(outer, "{");
        String indent = outer + "    ";
        String i = index(dim);
        String at = "at_" + dim;
        range(dim, split, indent);
        line(indent, "long " + i + " = lo_" + dim + ";");
        StringBuilder rowCode = new StringBuilder();
        Lanes vector = new Lanes(new Values(plan, this, rowCode, indent + "    ", "r", new int[1]), at, indent + "        ", Set.of());
        Values memo = vector.memo.computeInline(Set.of(n));
        ix.put(dim, at);
        Values.Value x = memo.value(n.in(0), ix);
        Values.Value c = memo.value(n.in(1), ix);
        String prev = first ? "0f" : vector.load(memo, s.output(), previous(s, ix)).expr();
        vector.store(s.output(), memo.declare(DType.F32, vec(x) + ".add(" + vec(c) + ".mul(" + prev + "))"), ix);
        line(indent, "if (hi_" + dim + " - lo_" + dim + " >= F.length()) {");
        out.append(rowCode);
        if (!vector.probed.isEmpty()) {
            line(indent + "    ", declareProbes(vector.probed.size()));
        }
        line(indent + "    ", "for (; " + i + " < hi_" + dim + "; " + i + " += F.length()) {");
        line(indent + "        ", "final long " + at + " = Math.min(" + i + ", hi_" + dim + " - F.length());");
        out.append(vector.code);
        close(indent + "    ");
        if (!vector.probed.isEmpty()) {
            line(indent + "    ", "if (" + probeIsNaN(vector.probed.size()) + ") { "
                    + vector.rescan("lo_" + dim, "hi_" + dim + " - lo_" + dim) + "}");
        }
        line(indent, "} else {");
        line(indent + "    ", "for (; " + i + " < hi_" + dim + "; " + i + "++) {");
        sweepPoint(s, first, indent + "        ");
        close(indent + "    ");
        close(indent);
        close(outer);
    }

    // ---- lanes ------------------------------------------------------------------------------------

    /**
     * A vector of points along loop index {@code index}: a memo of lanes writing to {@link #code}
     * (values that do not vary along it from {@code row}), and how it spells them: f32 values as
     * {@code FloatVector}, i32 as {@code IntVector} (the same lane count), bools as
     * {@code VectorMask<Float>}; loads and stores contiguous, f32 input vectors probed for NaN and ∞.
     */
    private final class Lanes implements Values.Spelling {

        final StringBuilder code = new StringBuilder();
        final String index;
        final Values memo;
        /** The f32 input reads probed, by key (buffer and where): the block's probe covers them. */
        final Map<String, Probe> probed = new LinkedHashMap<>();
        /** Reads an earlier phase probed already: the same points of the same inputs. */
        private final Set<String> checked;
        /** With rows across lanes, the block's tiles; else null. */
        private final Tiles tiles;
        /**
         * In {@link #rowsOfBlock}'s loop over rows a vector long, the lanes' dimension G: a buffer
         * over [.., G, K] is reached at the block's first row plus {@code lane · F.length()}.
         */
        String squareRows;

        Lanes(Values row, String index, String indent, Set<String> checked) {
            this(row, index, index, "w", indent, checked, null);
        }

        /**
         * Lanes along {@code index} in a memo of the values that vary along {@code along} (the
         * same index, or with rows across lanes the loop along the rows), named {@code prefix} and
         * a number.
         */
        Lanes(Values row, String index, String along, String prefix, String indent, Set<String> checked, Tiles tiles) {
            this.index = index;
            this.checked = checked;
            this.tiles = tiles;
            this.memo = new Values(plan, this, code, indent, prefix, new int[1], row, along);
        }

        void statement(String text) {
            memo.statement(text);
        }

        @Override
        public boolean vectors() {
            return true;
        }

        @Override
        public String type(DType d) {
            return switch (d) {
                case F32 -> "FloatVector";
                case I32 -> "IntVector";
                case BOOL -> "VectorMask<Float>";
                case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
            };
        }

        @Override
        public String indexType() {
            return VectorTarget.this.indexType();
        }

        @Override
        public String declare(String type, String name, String expr) {
            return VectorTarget.this.declare(type, name, expr);
        }

        @Override
        public String literal(double v, DType d) {
            return VectorTarget.this.literal(v, d);
        }

        @Override
        public String size(String dim) {
            return VectorTarget.this.size(dim);
        }

        @Override
        public String iota(String at) {
            return "IntVector.broadcast(I, (int) " + at + ")" + (at.equals(index) ? ".add(IOTA)" : "");
        }

        @Override
        public String checkGather(String at, String dim, int gather) {
            return VectorTarget.this.checkGather(at, dim, gather);
        }

        /** A contiguous vector load (the buffer's last dimension is the vector's), or a tile's column. */
        @Override
        public Values.Value load(Values m, Buffer b, Map<String, String> ix) {
            if (tiles != null && tiles.holds(b)) {
                tiles.read(b);
                String column = "FloatVector.fromArray(F, " + tiles.name(b) + ", " + tiles.column(ix) + ")";
                return b.type().dtype() == DType.I32 ? m.declare(DType.I32, "((IntVector) " + column + ".reinterpretShape(I, 0))") : m.declare(DType.F32, column);
            }
            if (tiles != null && tiles.blockOnly.contains(b)) {
                if (!b.type().dims().stream().allMatch(d -> index(d).equals(ix.get(d)))) {
                    throw new IllegalStateException("a reduction kept in its block is read at another point: " + b + " at " + ix);
                }
                return m.declare(DType.F32, "FloatVector.fromArray(F, " + tiles.inBlock(b) + ", 0)");
            }
            String off = at(b, ix);
            String seg = "b" + b.id();
            Values.Value v = m.declare(b.type().dtype(), switch (b.type().dtype()) {
                case F32 -> "FloatVector.fromMemorySegment(F, " + seg + ", (" + off + ") * 4L, ORDER)";
                case I32 -> "IntVector.fromMemorySegment(I, " + seg + ", (" + off + ") * 4L, ORDER)";
                case BOOL -> "ByteVector.fromMemorySegment(B, " + seg + ", (" + off + "), ORDER).compare(VectorOperators.NE, (byte) 0).cast(F)";
                case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
            });
            Probe probe = new Probe(b, ix);
            if (b.node().op() == Op.INPUT && b.type().dtype() == DType.F32 && !checked.contains(probe.key(index))) {
                /* x·0 is NaN exactly when x is NaN or ±∞: one fused multiply-add per input vector */
                String chain = PROBE + probed.size() % PROBES;
                statement(chain + " = " + v.expr() + ".fma(FloatVector.zero(F), " + chain + ");");
                probed.put(probe.key(index), probe);
            }
            return v;
        }

        /**
         * With rows across lanes, a gather along the tile's dimension whose index differs from row
         * to row: each lane reads its own row of the source's tile at its index, checked first.
         */
        @Override
        public Values.Value gather(Values m, Node n, Map<String, String> ix) {
            Values.Value picked = tiles == null ? null : pick(m, n, ix);
            if (picked != null) {
                return picked;
            }
            boolean lanewise = tiles != null && n.in(1).type().dims().stream().anyMatch(d -> index.equals(ix.get(d)));
            if (!lanewise) {
                return null;
            }
            Buffer source = plan.buffer(n.in(0));
            tiles.read(source);
            String at = vec(m.value(n.in(1), ix));
            int gather = plan.gathers().indexOf(n);
            statement("if (" + at + ".compare(VectorOperators.UGE, (int) " + size(tiles.column) + ").anyTrue()) { badGather(" + at + ", "
                    + size(tiles.column) + ", " + gather + "); }");
            tiles.gathers = true;
            statement(at + ".mul(F.length()).add(IOTA).intoArray(lanesAt, 0);");
            return m.declare(DType.F32, "FloatVector.fromArray(F, " + tiles.name(source) + ", 0, lanesAt, 0)");
        }

        /** A pick of a sort by value's input ({@link #byValue}): a column of its sorted tile's keys, turned back into values; null if {@code n} is none. */
        private Values.Value pick(Values m, Node n, Map<String, String> ix) {
            for (Map.Entry<Buffer, Buffer> sort : tiles.byValue.entrySet()) {
                Node at = pickedAt(n, sort.getKey(), sort.getValue(), tiles.column, tiles.lanes);
                if (at == null) {
                    continue;
                }
                String column = at == sort.getKey().node() ? tiles.column(ix)
                        : "(int) " + m.declare(indexType(), checkGather(m.value(at, ix).expr(), tiles.column, plan.gathers().indexOf(n.in(1))))
                        + " * F.length()";
                Values.Value key = m.declare(DType.I32, "((IntVector) FloatVector.fromArray(F, " + tiles.sorted(sort.getKey()) + ", " + column + ").reinterpretShape(I, 0))");
                return m.declare(DType.F32, TileSources.keyValue(key.expr(), sort.getKey().node().attrs(Attrs.Argsort.class).descending()));
            }
            return null;
        }

        /** Where {@code b}'s vector at {@code ix} starts: with {@link #squareRows}, a row of [.., G, K] at a constant stride from the block's first. */
        private String at(Buffer b, Map<String, String> ix) {
            List<String> dims = b.type().dims();
            int n = dims.size();
            if (squareRows == null || n < 2 || !dims.get(n - 2).equals(squareRows) || !index(squareRows).equals(ix.get(squareRows))
                    || !index.equals(ix.get(dims.getLast()))) {
                return offset(dims, ix);
            }
            Map<String, String> first = new LinkedHashMap<>(ix);
            first.put(squareRows, previous(squareRows));
            first.put(dims.getLast(), "0");
            return offset(dims, first) + " + lane * F.length()";
        }

        /** A store of {@code v} into {@code b} at {@code ix}, or into its tile. */
        void store(Buffer b, Values.Value v, Map<String, String> ix) {
            if (tiles != null && tiles.holds(b)) {
                tiles.written.add(b);
                statement(vec(v) + ".intoArray(" + tiles.name(b) + ", " + tiles.column(ix) + ");");
                return;
            }
            String off = at(b, ix);
            String seg = "b" + b.id();
            String w = vec(v);
            statement(switch (b.type().dtype()) {
                case F32, I32 -> w + ".intoMemorySegment(" + seg + ", (" + off + ") * 4L, ORDER);";
                case BOOL -> "ByteVector.zero(B).blend((byte) 1, " + w + ".cast(B)).intoMemorySegment(" + seg + ", (" + off + "), ORDER);";
                case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
            });
        }

        /**
         * After a block whose probe is NaN: a scan of each input's block (whose vector index starts
         * at {@code start} and runs {@code count} points) that throws at the first NaN or ±∞.
         */
        String rescan(String start, String count) {
            StringBuilder s = new StringBuilder();
            for (Probe p : probed.values()) {
                Map<String, String> at = new LinkedHashMap<>(p.at());
                at.replaceAll((d, i) -> i.equals(index) ? start : i);
                s.append("Kernels.nonFiniteIn(b").append(p.buffer().id()).append(", ").append(p.buffer().id()).append(", ")
                        .append(offset(p.buffer().type().dims(), at)).append(", ").append(count).append("); ");
            }
            return s.toString();
        }

        @Override
        public String op(Node n, Values.Value[] a) {
            DType in = a.length == 0 ? n.type().dtype() : n.in(0).type().dtype();
            return switch (n.op()) {
                case NEG -> vec(a[0]) + ".neg()";
                case ABS -> vec(a[0]) + ".abs()";
                /* x itself where it is ±0 or NaN, as Math.signum */
                case SIGN -> in == DType.I32
                        ? vec(a[0]) + ".blend(1, " + vec(a[0]) + ".compare(VectorOperators.GT, 0)).blend(-1, " + vec(a[0]) + ".compare(VectorOperators.LT, 0))"
                        : vec(a[0]) + ".blend(1f, " + vec(a[0]) + ".compare(VectorOperators.GT, 0f)).blend(-1f, " + vec(a[0]) + ".compare(VectorOperators.LT, 0f))";
                case NOT -> vec(a[0]) + ".not()";
                /* VectorMath's, not lanewise(EXP) and kin: the same bits before and after C2 compiles the kernel */
                case EXP, LOG, LOG1P, EXPM1, TANH, SIGMOID, SOFTPLUS -> math(n.op(), vec(a[0]));
                case SQRT -> vec(a[0]) + ".sqrt()";
                case CAST -> cast(a[0], in, n.type().dtype());
                /* a vector method takes a per-row scalar as its second operand directly */
                case ADD -> vec(a[0]) + ".add(" + a[1].expr() + ")";
                case SUB -> vec(a[0]) + ".sub(" + a[1].expr() + ")";
                case MUL -> vec(a[0]) + ".mul(" + a[1].expr() + ")";
                case DIV -> vec(a[0]) + ".div(" + a[1].expr() + ")";
                case MIN -> vec(a[0]) + ".min(" + a[1].expr() + ")";
                case MAX -> vec(a[0]) + ".max(" + a[1].expr() + ")";
                case LT, LE, GT, GE, EQ, NE -> compare(n, a, in);
                case AND -> vec(a[0]) + ".and(" + vec(a[1]) + ")";
                case OR -> vec(a[0]) + ".or(" + vec(a[1]) + ")";
                case WHERE -> a[1].dtype() == DType.BOOL
                        ? vec(a[1]) + ".and(" + vec(a[0]) + ").or(" + vec(a[2]) + ".andNot(" + vec(a[0]) + "))"
                        : vec(a[2]) + ".blend(" + vec(a[1]) + ", " + (a[1].dtype() == DType.I32 ? vec(a[0]) + ".cast(I)" : vec(a[0])) + ")";
                case CLIP -> clip(n, a);
                default -> throw new IllegalStateException(n.op() + " is not vectorised");
            };
        }

        /**
         * clip(x, lo, hi): between constant f32 bounds lo &lt; hi, two compares and two blends, bit
         * for bit Math.min(Math.max(x, lo), hi) (NaN stays NaN; where x equals a zero bound, the
         * result's sign is the one Math.max and min give: hence LT against −0 and GT against +0).
         * C2 renders FloatVector's max and min as a longer NaN- and zero-aware sequence (PPO's
         * kernel took 10% less time in cache this way, docs/benchmarks.md); other bounds keep them.
         */
        private static String clip(Node n, Values.Value[] a) {
            Node lo = n.in(1);
            Node hi = n.in(2);
            String x = vec(a[0]);
            if (n.type().dtype() != DType.F32 || !lo.isConst() || !hi.isConst() || !(lo.constValue() < hi.constValue())) {
                return x + ".max(" + a[1].expr() + ").min(" + a[2].expr() + ")";
            }
            String below = isNegativeZero(lo.constValue()) ? "LT" : "LE";
            String above = isPositiveZero(hi.constValue()) ? "GT" : "GE";
            return x + ".blend(" + a[1].expr() + ", " + x + ".compare(VectorOperators." + below + ", " + a[1].expr() + "))"
                    + ".blend(" + a[2].expr() + ", " + x + ".compare(VectorOperators." + above + ", " + a[2].expr() + "))";
        }

        private static boolean isNegativeZero(double v) {
            return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0);
        }

        private static boolean isPositiveZero(double v) {
            return Double.doubleToRawLongBits(v) == 0L;
        }

        private String math(Op op, String x) {
            usesMath = true;
            return switch (op) {
                case EXP -> "vexp(" + x + ")";
                case LOG -> "vlog(" + x + ")";
                case LOG1P -> "vlog1p(" + x + ")";
                case EXPM1 -> "vexpm1(" + x + ")";
                case TANH -> "vtanh(" + x + ")";
                case SIGMOID -> "FloatVector.broadcast(F, 1f).div(vexp(" + x + ".neg()).add(1f))";
                case SOFTPLUS -> x + ".max(0f).add(vlog1p(vexp(" + x + ".abs().neg())))";
                default -> throw new IllegalStateException(op + " is not a function of VectorMath");
            };
        }

        private static String compare(Node n, Values.Value[] a, DType in) {
            if (in == DType.BOOL) {
                /* == and != on masks: equal lanes are where both or neither is set */
                String same = vec(a[0]) + ".eq(" + vec(a[1]) + ")";
                return n.op() == Op.EQ ? same : same + ".not()";
            }
            String m = vec(a[0]) + ".compare(VectorOperators." + n.op().name() + ", " + a[1].expr() + ")";
            return in == DType.I32 ? m + ".cast(F)" : m;
        }

        private static String cast(Values.Value a, DType from, DType to) {
            if (from == to) {
                return vec(a);
            }
            return switch (from) {
                case BOOL -> to == DType.F32 ? "FloatVector.zero(F).blend(1f, " + vec(a) + ")" : "IntVector.zero(I).blend(1, " + vec(a) + ".cast(I))";
                case I32 -> to == DType.F32 ? "((FloatVector) " + vec(a) + ".convertShape(VectorOperators.I2F, F, 0))"
                        : vec(a) + ".compare(VectorOperators.NE, 0).cast(F)";
                case F32 -> to == DType.I32 ? "((IntVector) " + vec(a) + ".convertShape(VectorOperators.F2I, I, 0))"
                        : vec(a) + ".compare(VectorOperators.NE, 0f)";
                case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
            };
        }
    }

    /** An input read, and where (its dimensions' indices). */
    private record Probe(Buffer buffer, Map<String, String> at) {
        Probe {
            Map<String, String> mine = new LinkedHashMap<>();
            for (String d : buffer.type().dims()) {
                mine.put(d, at.get(d));
            }
            at = mine;
        }

        /** The read's identity, whichever variable, {@code vector}, indexes the vector's points: a row's last vector reads what the others do. */
        String key(String vector) {
            Map<String, String> where = new LinkedHashMap<>(at);
            where.replaceAll((d, i) -> i.equals(vector) ? "·" : i);
            return buffer.id() + "@" + where;
        }
    }

    /** A value as a vector: itself, or a per-row scalar broadcast to every lane. */
    private static String vec(Values.Value v) {
        if (v.vector()) {
            return v.expr();
        }
        return switch (v.dtype()) {
            case F32 -> "FloatVector.broadcast(F, " + v.expr() + ")";
            case I32 -> "IntVector.broadcast(I, " + v.expr() + ")";
            case BOOL -> "F.maskAll(" + v.expr() + ")";
            case F64 -> throw new IllegalStateException("f64 kernels are not vectorised");
        };
    }
}
