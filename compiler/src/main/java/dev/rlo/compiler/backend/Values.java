package dev.rlo.compiler.backend;

import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.KernelPlan;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The element-wise memo of every target: the value of an IR node at a point of a loop nest, as a
 * chain of local constants written to {@code out}, each (node, index mapping) computed once per
 * loop body. A buffer is read, through the views over it (renames change which index a dimension
 * reads, so a node is keyed by its index mapping too); any other node is computed from its inputs.
 * A {@link Spelling} writes the locals: scalar Java, C, or the Vector API's lanes. A memo of a loop
 * (a vector's lanes, or a scalar innermost loop) takes each value that does not vary along the
 * loop's index from its {@code row} memo, which declares it once per row, before the loop; and,
 * where a memo of lanes steps along another index than its vector's (a block of rows across lanes
 * stepping along the rows), each value that varies along the loop but not along the lanes from its
 * {@code scalars} memo, which declares it once per step.
 */
public final class Values {

    /** A value: its expression (a local's name), its dtype, and whether it is a vector of lanes. */
    public record Value(String expr, DType dtype, boolean vector) { }

    /** How a target spells values. */
    public interface Spelling {

        /** The type of a local holding a value of {@code d}. */
        String type(DType d);

        /** The type of a local holding an index into a buffer. */
        String indexType();

        /** The statement declaring local {@code name} of {@code type} as {@code expr}, without indent or newline. */
        String declare(String type, String name, String expr);

        /** A literal of dtype {@code d}, exact. */
        String literal(double v, DType d);

        /** The size of dimension {@code dim}, as its local. */
        String size(String dim);

        /** The value of iota along a dimension at loop index {@code index}. */
        String iota(String index);

        /** Reads {@code b} at {@code ix} into a local of {@code memo} (and checks what the target checks as it reads). */
        Value load(Values memo, Buffer b, Map<String, String> ix);

        /** A gather's index {@code index} along {@code dim}, checked: an offset, or the kernel reports gather {@code gather}. */
        String checkGather(String index, String dim, int gather);

        /**
         * Gather {@code n} at {@code ix} read lane by lane, where this spelling's lanes each gather
         * at an index of their own; null (the default) where its index is the same for every lane
         * and the memo reads the gathered point itself.
         */
        default Value gather(Values memo, Node n, Map<String, String> ix) {
            return null;
        }

        /** Element-wise op {@code n} on its operands' values. */
        String op(Node n, Value[] a);

        /** Whether its locals are vectors of lanes. */
        default boolean vectors() {
            return false;
        }
    }

    private final KernelPlan plan;
    private final Spelling spell;
    private final StringBuilder out;
    private final String indent;
    private final String prefix;
    private final int[] next;
    private final Values row;
    private final String lanes;
    private Values scalars;
    private String vectorIndex;
    private final Map<String, Value> locals = new HashMap<>();
    /** A gather's checked index, by gather and index expression: declared once. */
    private final Map<String, String> checked = new HashMap<>();
    /** The indices this memo declared (a gather's checked index, a shift's source): what is read at one of them varies as this memo's loop does. */
    private final Set<String> indexedHere = new HashSet<>();
    private Set<Node> inline = Set.of();
    /** Where a caller collects the values this memo takes from its row memo ({@link #collectFromRow}); else null. */
    private List<Taken> fromRow;

    /** A value a memo took from its row memo: node {@code n} at {@code ix} (its own dimensions'). */
    public record Taken(Node n, Map<String, String> ix, Value value) { }

    /**
     * A memo of scalars, writing declarations at {@code indent} and naming them {@code prefix} and
     * a number from {@code next} (shared by the memos of one kernel, so that names never clash).
     */
    public Values(KernelPlan plan, Spelling spell, StringBuilder out, String indent, String prefix, int[] next) {
        this(plan, spell, out, indent, prefix, next, null, null);
    }

    /** How many locals this memo (and any sharing its counter) has declared. */
    public int count() {
        return next[0];
    }

    /** A memo of the values that vary along loop index {@code lanes}, taking the others from {@code row}. */
    public Values(KernelPlan plan, Spelling spell, StringBuilder out, String indent, String prefix, int[] next, Values row, String lanes) {
        this.plan = plan;
        this.spell = spell;
        this.out = out;
        this.indent = indent;
        this.prefix = prefix;
        this.next = next;
        this.row = row;
        this.lanes = lanes;
    }

    /**
     * Takes each value that varies along this memo's loop but not along {@code vectorIndex}, its
     * vectors' index, from {@code scalars}: a memo of scalars declared in the same loop.
     */
    public Values withScalars(Values scalars, String vectorIndex) {
        this.scalars = scalars;
        this.vectorIndex = vectorIndex;
        return this;
    }

    /** Collects into {@code taken} each value this memo takes from its row memo, once: what its loop needs from outside the loop. */
    public Values collectFromRow(List<Taken> taken) {
        fromRow = taken;
        return this;
    }

    /** Takes {@code n}'s value at {@code ix} to be {@code v}, computed elsewhere: later requests of it get {@code v}. */
    public void bind(Node n, Map<String, String> ix, Value v) {
        locals.put(key(n, ix), v);
    }

    /**
     * Buffers to compute rather than read: the ones the current loop body itself writes, whose
     * values are not in memory yet (the body stores them after computing them).
     */
    public Values computeInline(Set<Node> nodes) {
        inline = nodes;
        if (row != null) {
            row.computeInline(nodes);
        }
        if (scalars != null) {
            scalars.computeInline(nodes);
        }
        return this;
    }

    /**
     * The local holding {@code n}'s value where each dimension {@code d} of {@code n} is at index
     * {@code ix.get(d)}; declares it (and what it needs) first if this body has not.
     */
    public Value value(Node n, Map<String, String> ix) {
        if (row != null && !varies(n, ix)) {
            Value v = row.value(n, ix);
            if (fromRow != null) {
                Taken t = new Taken(n, own(n, ix), v);
                if (!fromRow.contains(t)) {
                    fromRow.add(t);
                }
            }
            return v;
        }
        if (scalars != null && n.type().dims().stream().noneMatch(d -> vectorIndex.equals(ix.get(d)))) {
            return scalars.value(n, ix);
        }
        String key = key(n, ix);
        Value done = locals.get(key);
        if (done == null) {
            done = compute(n, own(n, ix));
            locals.put(key, done);
        }
        return done;
    }

    /** {@code ix} for {@code n}'s own dimensions. */
    private static Map<String, String> own(Node n, Map<String, String> ix) {
        Map<String, String> mine = new LinkedHashMap<>();
        n.type().dims().forEach(d -> mine.put(d, ix.get(d)));
        return mine;
    }

    private static String key(Node n, Map<String, String> ix) {
        return n.id() + "@" + own(n, ix);
    }

    /** Whether {@code n} at {@code ix} varies along this memo's lanes: read at their index, or at an index this memo declared. */
    private boolean varies(Node n, Map<String, String> ix) {
        return lanes != null && n.type().dims().stream().map(ix::get).anyMatch(i -> lanes.equals(i) || indexedHere.contains(i));
    }

    private Value compute(Node n, Map<String, String> ix) {
        DType d = n.type().dtype();
        if (plan.isBuffer(n) && !inline.contains(n)) {
            return spell.load(this, plan.buffer(n), ix);
        }
        return switch (n.op()) {
            case RENAME -> {
                Attrs.Rename r = n.attrs(Attrs.Rename.class);
                Map<String, String> inner = new LinkedHashMap<>(ix);
                inner.put(r.from(), ix.get(r.to()));
                inner.remove(r.to());
                yield value(n.in(0), inner);
            }
            case STOP_GRADIENT, EXPAND -> value(n.in(0), ix);
            /*
             * an index the same along this memo's loop is the row memo's to compute, once a row;
             * one that varies along it (a step's scalars: a row of a block across lanes) is this
             * memo's, and so is the read at it. A memo of lanes gathers lane by lane only where
             * the spelling can (else along indices the same in every lane).
             */
            case GATHER -> {
                Value lanewise = spell.gather(this, n, ix);
                yield lanewise != null ? lanewise : value(n.in(0), (row != null && !varies(n.in(1), ix) ? row : this).gathered(n, ix));
            }
            case SHIFT -> shift(n, ix);
            case CONST -> declare(d, spell.literal(n.constValue(), d));
            case SIZE -> declare(d, "(int) " + spell.size(n.attrs(Attrs.Dim.class).dim()));
            case IOTA -> declare(d, spell.iota(ix.get(n.attrs(Attrs.Dim.class).dim())));
            default -> {
                Value[] a = new Value[n.inputs().size()];
                for (int k = 0; k < a.length; k++) {
                    a[k] = value(n.in(k), ix);
                }
                yield declare(d, spell.op(n, a));
            }
        };
    }

    /** Where a gather reads: {@code ix} with the gathered dimension at the (checked) index's value. */
    private Map<String, String> gathered(Node n, Map<String, String> ix) {
        String dim = n.attrs(Attrs.Dim.class).dim();
        String index = value(n.in(1), ix).expr();
        Map<String, String> src = new LinkedHashMap<>(ix);
        /* checked once per index: a row's whole vectors and its last one read the same gathered row */
        src.put(dim, checked.computeIfAbsent(n.id() + "@" + index, k -> {
            String at = declare(spell.indexType(), spell.checkGather(index, dim, plan.gathers().indexOf(n)));
            indexedHere.add(at);
            return at;
        }));
        return src;
    }

    /** A shift: its source's value one step along, or the fill where that falls outside. */
    private Value shift(Node n, Map<String, String> ix) {
        Attrs.Shift s = n.attrs(Attrs.Shift.class);
        String from = declare(spell.indexType(), ix.get(s.dim()) + " - (" + s.by() + ")");
        String inside = declare(spell.type(DType.BOOL), from + " >= 0 && " + from + " < " + spell.size(s.dim()));
        Map<String, String> src = new LinkedHashMap<>(ix);
        String at = declare(spell.indexType(), inside + " ? " + from + " : 0");
        indexedHere.add(at);
        src.put(s.dim(), at);
        String x = value(n.in(0), src).expr();
        String fill = value(n.in(1), ix).expr();
        return declare(n.type().dtype(), inside + " ? " + x + " : " + fill);
    }

    /** Declares a new local holding {@code expr}, a value of {@code d}. */
    public Value declare(DType d, String expr) {
        return new Value(declare(spell.type(d), expr), d, spell.vectors());
    }

    /** Declares a new local of type {@code type} holding {@code expr}; returns its name. */
    public String declare(String type, String expr) {
        String name = prefix + next[0]++;
        statement(spell.declare(type, name, expr));
        return name;
    }

    /** Writes a statement where this memo's declarations go. */
    public void statement(String text) {
        out.append(indent).append(text).append('\n');
    }
}
