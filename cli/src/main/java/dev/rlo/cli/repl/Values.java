package dev.rlo.cli.repl;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.parse.ReplValue;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The tensors REPL values make (spec/cli.md#repl): random or constant values of a named shape
 * ({@code randn[G=4, K=8](seed: 1)}, {@code rand}, {@code zeros}, {@code ones}), a nested literal
 * with its type ({@code [[1, 0], [0, 1]] : f32[G,K]}) and a NumPy file ({@code load("x.npy", dims:
 * [B,T])}). The parser has found them; a value that cannot be made is an error at its place in the
 * input.
 */
final class Values {

    /** The most values a random or constant tensor may hold (2^27: 512 MiB of f32). */
    static final long MAX_ELEMENTS = 1L << 27;

    private Values() { }

    /** The tensor {@code v} makes; relative paths are against {@code dir}. */
    static Tensor of(ReplValue v, Path dir) {
        return switch (v) {
            case ReplValue.Random r -> random(r);
            case ReplValue.Literal l -> literal(l);
            case ReplValue.Load l -> load(l, dir);
        };
    }

    /** Standard normal (randn) or uniform on [0, 1) (rand) f32 values from the seed, or constants. */
    private static Tensor random(ReplValue.Random r) {
        distinct(r.dims());
        double count = 1;
        for (long n : r.sizes()) {
            count *= n;
        }
        if (count > MAX_ELEMENTS) {
            throw Shown.at(r.span(), r.kind() + "[…] would hold " + String.format(Locale.ROOT, "%.0f", count)
                    + " values; the REPL makes at most " + MAX_ELEMENTS, null);
        }
        double[] v = new double[(int) count];
        Random random = new Random(r.seed());
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (r.kind()) {
                case "randn" -> random.nextGaussian();
                case "rand" -> random.nextDouble();
                case "ones" -> 1;
                default -> 0;
            };
        }
        return Tensor.of(DType.F32, names(r.dims()), r.sizes().stream().mapToLong(Long::longValue).toArray(), v);
    }

    /** A nested list literal: one level per dimension of its type, numbers (or true and false) at the bottom. */
    private static Tensor literal(ReplValue.Literal l) {
        List<Ident> dims = l.type().dims();
        distinct(dims);
        List<Long> shape = new ArrayList<>();
        Expr level = l.values();
        while (level instanceof Expr.ListLit list) {
            shape.add((long) list.items().size());
            level = list.items().isEmpty() ? null : list.items().getFirst();
        }
        if (shape.size() != dims.size()) {
            throw Shown.at(l.type().span(), "the literal has " + shape.size() + " levels of nesting, but its type names "
                    + dims.size() + (dims.size() == 1 ? " dimension" : " dimensions"), "give one dimension per level");
        }
        List<Double> values = new ArrayList<>();
        flatten(l.values(), 0, shape, values);
        return Tensor.of(l.type().dtype(), names(dims), shape.stream().mapToLong(Long::longValue).toArray(),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void flatten(Expr e, int depth, List<Long> shape, List<Double> out) {
        if (depth == shape.size()) {
            out.add(number(e));
            return;
        }
        if (!(e instanceof Expr.ListLit list) || list.items().size() != shape.get(depth)) {
            throw Shown.at(e.span(), "the literal is ragged: every list at depth " + depth + " must hold " + shape.get(depth)
                    + " items", null);
        }
        for (Expr item : list.items()) {
            flatten(item, depth + 1, shape, out);
        }
    }

    private static double number(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> i.value();
            case Expr.FloatLit f -> f.value();
            case Expr.BoolLit b -> b.value() ? 1 : 0;
            case Expr.Neg n when n.operand() instanceof Expr.IntLit || n.operand() instanceof Expr.FloatLit -> -number(n.operand());
            default -> throw Shown.at(e.span(), "a typed literal holds numbers, true and false, not `" + e.span().text() + "`",
                    "compute it after binding the literal");
        };
    }

    /** A NumPy file, its axes named by {@code dims}. */
    private static Tensor load(ReplValue.Load l, Path dir) {
        distinct(l.dims());
        Npy.Array a;
        try {
            a = Npy.read(dir.resolve(l.path()));
        } catch (UserError e) {
            throw Shown.at(l.span(), e.getMessage(), null);
        }
        if (l.dims().size() != a.shape().length) {
            throw Shown.at(l.span(), l.path() + " has " + a.shape().length + " axes " + Arrays.toString(a.shape()) + ", but dims names "
                    + l.dims().size(), null);
        }
        DType d = a.descr().endsWith("b1") ? DType.BOOL : a.descr().contains("i") ? DType.I32
                : a.descr().endsWith("f8") ? DType.F64 : DType.F32;
        return Tensor.of(d, names(l.dims()), a.shape(), a.values());
    }

    private static void distinct(List<Ident> dims) {
        Set<String> seen = new HashSet<>();
        for (Ident d : dims) {
            if (!seen.add(d.name())) {
                throw Shown.at(d.span(), "dimension `" + d.name() + "` is named twice", null);
            }
        }
    }

    private static List<String> names(List<Ident> dims) {
        return dims.stream().map(Ident::name).toList();
    }

    /** The .npy dtype of an rlo dtype, for :save. */
    static String descr(DType d) {
        return switch (d) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case BOOL -> "|b1";
        };
    }
}
