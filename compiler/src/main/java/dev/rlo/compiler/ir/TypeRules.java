package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.List;

/**
 * The shape and dtype rule of every {@link Op} (the "shape rule" column of spec/ir.md): the type of
 * a node from its inputs and attributes, or an {@link IllegalArgumentException} saying which rule
 * the inputs break. {@link IrBuilder} types new nodes with it and {@link IrVerifier} re-checks every
 * node against it.
 * <p>
 * Operand dtypes are exact: arithmetic takes operands of its result dtype (i32 becomes a float for
 * DIV, POW only through an explicit CAST). Bool is for logic, equality, selection and movement:
 * whatever orders or adds numbers takes i32, and {@link IrBuilder} casts bools to it.
 */
public final class TypeRules {

    private TypeRules() { }

    public static TensorType infer(Op op, List<TensorType> in, Attrs attrs) {
        if (in.size() != op.arity()) {
            throw new IllegalArgumentException(op.label() + " takes " + op.arity() + " inputs, not " + in.size());
        }
        return switch (op) {
            case INPUT -> throw new IllegalArgumentException("an input's type is declared, not inferred");
            case CONST -> throw new IllegalArgumentException("a constant's type is declared, not inferred");
            case IOTA -> TensorType.of(DType.I32, List.of(dim(attrs)));
            case SIZE -> TensorType.scalar(DType.I32);
            case NEG, ABS, SIGN -> numeric(op, in.getFirst());
            case NOT -> bool(op, in.getFirst());
            case EXP, LOG, LOG1P, EXPM1, FLOOR, CEIL, SQRT, TANH, SIGMOID, SOFTPLUS, NORMAL_CDF, NORMAL_ICDF, LGAMMA, POLYGAMMA ->
                    floating(op, in.getFirst());
            case CAST -> in.getFirst().withDtype(((Attrs.Cast) attrs).dtype());
            case ADD, SUB, MUL, MIN, MAX -> same(op, in, false);
            case DIV, POW -> {
                TensorType t = same(op, in, true);
                floating(op, t);
                yield t;
            }
            case LT, LE, GT, GE -> TensorType.of(DType.BOOL, same(op, in, false).dims());
            case EQ, NE -> TensorType.of(DType.BOOL, same(op, in, true).dims());
            case AND, OR -> {
                bool(op, in.get(0));
                yield bool(op, in.get(1)).withDims(union(in));
            }
            case WHERE -> {
                bool(op, in.get(0));
                yield same(op, in.subList(1, 3), true).withDims(union(in));
            }
            case CLIP -> same(op, in, false);
            case SUM -> reduce(op, numeric(op, in.getFirst()), ((Attrs.Dims) attrs).dims());
            case MEAN, LOGSUMEXP -> reduce(op, floating(op, in.getFirst()), ((Attrs.Dims) attrs).dims());
            case REDUCE_MAX, REDUCE_MIN -> reduce(op, numeric(op, in.getFirst()), ((Attrs.Dims) attrs).dims());
            case ARGMAX, ARGMIN -> TensorType.of(DType.I32, reduce(op, numeric(op, in.getFirst()), List.of(dim(attrs))).dims());
            case SCAN -> {
                TensorType t = same(op, in, true);
                floating(op, t);
                has(op, in.getFirst(), ((Attrs.Scan) attrs).dim());
                yield t;
            }
            case GATHER -> gather(in.get(0), in.get(1), dim(attrs));
            case SCATTER_ADD -> scatter(in.get(0), in.get(1), (Attrs.Scatter) attrs);
            case RENAME -> rename(in.getFirst(), (Attrs.Rename) attrs);
            case EXPAND -> expand(in.getFirst(), ((Attrs.Dims) attrs).dims());
            case SHIFT -> {
                Attrs.Shift s = (Attrs.Shift) attrs;
                has(op, in.get(0), s.dim());
                if (in.get(1).has(s.dim())) {
                    throw new IllegalArgumentException("shift's fill must not have dimension " + s.dim());
                }
                yield same(op, in, true);
            }
            case ARGSORT -> {
                numeric(op, in.getFirst());
                has(op, in.getFirst(), ((Attrs.Argsort) attrs).dim());
                yield TensorType.of(DType.I32, in.getFirst().dims());
            }
            case STOP_GRADIENT -> in.getFirst();
        };
    }

    // ---- the rules ------------------------------------------------------------------------------

    /** Inputs of one dtype; the result has it and every input's dimensions, by name. */
    private static TensorType same(Op op, List<TensorType> in, boolean boolAllowed) {
        DType d = in.getFirst().dtype();
        for (TensorType t : in) {
            if (t.dtype() != d) {
                throw new IllegalArgumentException(op.label() + " needs operands of one dtype, got " + in);
            }
        }
        if (!boolAllowed && d == DType.BOOL) {
            throw new IllegalArgumentException(op.label() + " takes numbers, not bool");
        }
        return TensorType.of(d, union(in));
    }

    private static List<String> union(List<TensorType> in) {
        List<String> dims = List.of();
        for (TensorType t : in) {
            dims = TensorType.union(dims, t.dims());
        }
        return dims;
    }

    private static TensorType numeric(Op op, TensorType t) {
        if (t.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op.label() + " takes a number, not bool");
        }
        return t.strong();
    }

    private static TensorType floating(Op op, TensorType t) {
        if (!t.dtype().isFloat()) {
            throw new IllegalArgumentException(op.label() + " takes a float, not " + t.dtype());
        }
        return t.strong();
    }

    private static TensorType bool(Op op, TensorType t) {
        if (t.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(op.label() + " takes bool, not " + t.dtype());
        }
        return t.strong();
    }

    private static TensorType reduce(Op op, TensorType t, List<String> over) {
        if (over.isEmpty()) {
            throw new IllegalArgumentException(op.label() + " reduces no dimension");
        }
        for (String d : over) {
            has(op, t, d);
        }
        return t.withDims(TensorType.minus(t.dims(), over)).strong();
    }

    private static TensorType gather(TensorType x, TensorType index, String dim) {
        has(Op.GATHER, x, dim);
        if (index.dtype() != DType.I32) {
            throw new IllegalArgumentException("gather's index must be i32, not " + index.dtype());
        }
        return x.withDims(TensorType.union(TensorType.minus(x.dims(), List.of(dim)), index.dims())).strong();
    }

    private static TensorType scatter(TensorType g, TensorType index, Attrs.Scatter s) {
        if (index.dtype() != DType.I32 || !s.dims().contains(s.dim())) {
            throw new IllegalArgumentException("scatter_add needs an i32 index and a result with dimension " + s.dim());
        }
        List<String> gathered = TensorType.union(TensorType.minus(s.dims(), List.of(s.dim())), index.dims());
        if (!new java.util.HashSet<>(gathered).equals(new java.util.HashSet<>(g.dims()))) {
            throw new IllegalArgumentException("scatter_add's input has " + g.dims() + ", but gathering from "
                    + s.dims() + " at an index over " + index.dims() + " gives " + gathered);
        }
        return TensorType.of(g.dtype(), s.dims());
    }

    private static TensorType rename(TensorType t, Attrs.Rename r) {
        has(Op.RENAME, t, r.from());
        if (t.has(r.to())) {
            throw new IllegalArgumentException("rename target " + r.to() + " is already a dimension of " + t);
        }
        return t.withDims(t.dims().stream().map(d -> d.equals(r.from()) ? r.to() : d).toList()).strong();
    }

    private static TensorType expand(TensorType t, List<String> dims) {
        if (!dims.containsAll(t.dims())) {
            throw new IllegalArgumentException("expand to " + dims + " would drop dimensions of " + t);
        }
        return t.withDims(dims).strong();
    }

    private static void has(Op op, TensorType t, String dim) {
        if (!t.has(dim)) {
            throw new IllegalArgumentException(op.label() + " along " + dim + ", which " + t + " lacks");
        }
    }

    private static String dim(Attrs attrs) {
        return ((Attrs.Dim) attrs).dim();
    }
}
