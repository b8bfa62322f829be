package dev.rlo.cli.repl;

import dev.rlo.compiler.UserError;
import dev.rlo.compiler.ast.DType;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REPL's ways to make a tensor that rlo expressions cannot: random or constant tensors of a
 * named shape ({@code randn[G=4, K=8](seed: 1)}, {@code rand}, {@code zeros}, {@code ones}), a
 * nested literal with its type ({@code [[1, 0], [0, 1]] : f32[G,K]}) and a NumPy file
 * ({@code load("x.npy", dims: [B,T])}). Anything else is an rlo expression (null here).
 */
final class Values {

    private static final Pattern RANDOM = Pattern.compile(
            "(?<![\\w.])(randn|rand|zeros|ones)\\s*\\[([^\\]]*)]\\s*(?:\\(\\s*(?:seed\\s*:\\s*(-?\\d+))?\\s*\\))?");
    private static final Pattern LITERAL = Pattern.compile("(\\[.*])\\s*:\\s*(f32|f64|i32|bool)\\s*(?:\\[([^\\]]*)])?", Pattern.DOTALL);
    private static final Pattern LOAD = Pattern.compile("(?<![\\w.])load\\(\\s*\"([^\"]+)\"\\s*,\\s*dims\\s*:\\s*\\[([^\\]]*)]\\s*\\)");

    /** The most values a random or constant tensor may hold (2^27: 512 MiB of f32). */
    static final long MAX_ELEMENTS = 1L << 27;

    private Values() { }

    /**
     * {@code text} with each random, constant or loaded tensor in it replaced by a hidden name
     * ({@code _t0}, …) padded with spaces to the same length, so that positions in the text — and
     * so diagnostics — stay where the user typed them; and those tensors by name.
     */
    record Substituted(String text, Map<String, Tensor> tensors) { }

    static Substituted substitute(String text, Path dir) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder(text);
        for (Pattern p : List.of(RANDOM, LOAD)) {
            Matcher m = p.matcher(out.toString());
            List<int[]> found = new ArrayList<>();
            while (m.find()) {
                found.add(new int[] {m.start(), m.end()});
            }
            for (int[] f : found) {
                String name = "_t" + tensors.size();
                tensors.put(name, of(out.substring(f[0], f[1]), dir));
                out.replace(f[0], f[1], name + " ".repeat(f[1] - f[0] - name.length()));
            }
        }
        return new Substituted(out.toString(), tensors);
    }

    /** The tensor {@code text} makes, or null if it is not one of these forms; relative paths are against {@code dir}. */
    static Tensor of(String text, Path dir) {
        String t = text.strip();
        Matcher m = RANDOM.matcher(t);
        if (m.matches()) {
            return random(m.group(1), m.group(2), m.group(3) == null ? 0 : seed(m.group(3)));
        }
        m = LITERAL.matcher(t);
        if (m.matches()) {
            return literal(m.group(1), DType.valueOf(m.group(2).toUpperCase(Locale.ROOT)), m.group(3));
        }
        m = LOAD.matcher(t);
        if (m.matches()) {
            Npy.Array a = Npy.read(dir.resolve(m.group(1)));
            List<String> dims = names(m.group(2));
            if (dims.size() != a.shape().length) {
                throw new UserError(m.group(1) + " has " + a.shape().length + " axes " + Arrays.toString(a.shape()) + ", but dims names "
                        + dims.size());
            }
            DType d = a.descr().endsWith("b1") ? DType.BOOL : a.descr().contains("i") ? DType.I32
                    : a.descr().endsWith("f8") ? DType.F64 : DType.F32;
            return Tensor.of(d, dims, a.shape(), a.values());
        }
        return null;
    }

    private static long seed(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UserError("seed " + text + " is not a 64-bit integer");
        }
    }

    /** Standard normal (randn) or uniform on [0, 1) (rand) f32 values from {@code seed}, or constants. */
    private static Tensor random(String kind, String shape, long seed) {
        List<String> dims = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (String part : shape.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=");
            if (kv.length != 2 || !kv[0].strip().matches("[A-Za-z_]\\w*") || !kv[1].strip().matches("\\d{1,9}")) {
                throw new UserError("`" + part.strip() + "` is not DIM=SIZE; write e.g. " + kind + "[G=4, K=8]");
            }
            dims.add(kv[0].strip());
            sizes.add(Long.parseLong(kv[1].strip()));
        }
        long[] s = sizes.stream().mapToLong(Long::longValue).toArray();
        double count = 1;
        for (long n : s) {
            count *= n;
        }
        if (count > MAX_ELEMENTS) {
            throw new UserError(kind + "[" + shape.strip() + "] would hold " + String.format(Locale.ROOT, "%.0f", count)
                    + " values; the REPL makes at most " + MAX_ELEMENTS);
        }
        double[] v = new double[(int) count];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (kind) {
                case "randn" -> r.nextGaussian();
                case "rand" -> r.nextDouble();
                case "ones" -> 1;
                default -> 0;
            };
        }
        return Tensor.of(DType.F32, dims, s, v);
    }

    /** A nested list literal of dtype {@code d} with one dimension name per nesting level. */
    private static Tensor literal(String text, DType d, String dimText) {
        Object parsed = Json.parse(text.replace("true", "1").replace("false", "0"), "the literal");
        List<String> dims = dimText == null ? List.of() : names(dimText);
        List<Long> shape = new ArrayList<>();
        Object level = parsed;
        while (level instanceof List<?> l) {
            shape.add((long) l.size());
            level = l.isEmpty() ? null : l.getFirst();
        }
        if (shape.size() != dims.size()) {
            throw new UserError("the literal has " + shape.size() + " levels of nesting, but its type names " + dims.size()
                    + " dimensions" + (dims.isEmpty() ? "" : " [" + String.join(",", dims) + "]"));
        }
        List<Double> values = new ArrayList<>();
        flatten(parsed, 0, shape, values);
        return Tensor.of(d, dims, shape.stream().mapToLong(Long::longValue).toArray(), values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void flatten(Object o, int depth, List<Long> shape, List<Double> out) {
        if (depth == shape.size()) {
            if (!(o instanceof Double x)) {
                throw new UserError("the literal is ragged or holds a non-number: " + o);
            }
            out.add(x);
            return;
        }
        if (!(o instanceof List<?> l) || l.size() != shape.get(depth)) {
            throw new UserError("the literal is ragged: every row at depth " + depth + " must have " + shape.get(depth) + " elements");
        }
        for (Object x : l) {
            flatten(x, depth + 1, shape, out);
        }
    }

    private static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
