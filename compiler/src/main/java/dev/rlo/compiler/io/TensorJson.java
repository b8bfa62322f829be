package dev.rlo.compiler.io;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Shapes;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors as JSON, the format of {@code rlo eval}'s input files and of its {@code --format json}
 * output: {@code {"dims": ["G","K"], "shape": [4,8], "data": [...]}}, the data flat in row-major
 * order or nested as numpy's {@code tolist()} gives it (then {@code shape} may be left out). An
 * input file is {@code {"inputs": {name: tensor, …}, "params": {name: value, …}}}.
 */
public final class TensorJson {

    /** An input file's tensors (values in f64, or bool for JSON booleans) and hyper-parameters. */
    public record InputsFile(Map<String, Tensor> inputs, Map<String, String> params) { }

    private TensorJson() { }

    /** The largest JSON input file rlo reads. */
    public static final long MAX_BYTES = 1L << 30;

    public static InputsFile read(Path file) {
        String text;
        try {
            byte[] bytes = FileRead.atMost(file, MAX_BYTES);
            if (bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == 'K') {
                throw new UserError(file + " holds a zip archive, not JSON; an .npz archive must be a regular file");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(file + " is not a JSON file: its bytes are not UTF-8 text");
        } catch (IOException e) {
            throw new UserError(FileRead.cannotRead(file, e));
        }
        if (!(Json.parse(text, file.toString()) instanceof Map<?, ?> root)) {
            throw new UserError(file + ": expected an object {\"inputs\": {...}, \"params\": {...}}");
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        if (root.get("inputs") instanceof Map<?, ?> m) {
            m.forEach((name, v) -> inputs.put((String) name, tensor(v, file + ": input `" + name + "`")));
        } else if (root.containsKey("inputs")) {
            throw new UserError(file + ": \"inputs\" must be an object of named tensors");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (root.get("params") instanceof Map<?, ?> m) {
            m.forEach((name, v) -> params.put((String) name, v instanceof Double d && d == Math.rint(d) ? Json.number(d) : String.valueOf(v)));
        }
        return new InputsFile(inputs, params);
    }

    /**
     * A tensor from its JSON form; a bare number or bool is a scalar. Nested data must be regular
     * (every list at one depth as long as the others), and {@code shape} a list of positive whole
     * numbers whose product {@link Shapes} accepts.
     */
    static Tensor tensor(Object v, String what) {
        if (!(v instanceof Map<?, ?> m)) {
            List<Double> flat = new ArrayList<>();
            List<Long> shape = new ArrayList<>();
            flatten(v, flat, shape, 0, what);
            if (!shape.isEmpty()) {
                throw new UserError(what + ": give an array as {\"dims\": [...], \"data\": [...]}, so its dimensions have names");
            }
            return Tensor.of(v instanceof Boolean ? DType.BOOL : DType.F64, List.of(), new long[0], new double[] {flat.getFirst()});
        }
        if (!(m.get("dims") instanceof List<?> dimList) || !dimList.stream().allMatch(d -> d instanceof String)) {
            throw new UserError(what + ": \"dims\" must be a list of dimension names");
        }
        List<String> dims = dimList.stream().map(d -> (String) d).toList();
        List<Double> flat = new ArrayList<>();
        List<Long> nested = new ArrayList<>();
        flatten(m.get("data"), flat, nested, 0, what);
        long[] shape;
        if (m.get("shape") instanceof List<?> s) {
            shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(s.get(i) instanceof Double d) || d != Math.rint(d) || d < 1 || d > Long.MAX_VALUE) {
                    throw new UserError(what + ": \"shape\" must be a list of positive whole numbers, not " + Json.write(s));
                }
                shape[i] = d.longValue();
            }
        } else if (m.containsKey("shape")) {
            throw new UserError(what + ": \"shape\" must be a list of positive whole numbers, not " + Json.write(m.get("shape")));
        } else if (nested.size() == dims.size()) {
            shape = nested.stream().mapToLong(Long::longValue).toArray();
        } else {
            throw new UserError(what + ": give \"shape\", or nest \"data\" once per dimension");
        }
        if (shape.length != dims.size()) {
            throw new UserError(what + ": \"shape\" has " + shape.length + " sizes for " + dims.size() + " dimensions " + dims);
        }
        int count = Shapes.elements(what, shape);
        if (count != flat.size()) {
            throw new UserError(what + ": shape " + java.util.Arrays.toString(shape) + " needs " + count + " values, but \"data\" has "
                    + flat.size());
        }
        boolean bools = containsBoolean(m.get("data"));
        return Tensor.of(bools ? DType.BOOL : DType.F64, dims, shape, flat.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Appends the numbers of {@code v} to {@code out} in row-major order; {@code shape} gets the
     * length of the lists at each depth, and every list at a depth must have it, with numbers only
     * at the deepest level: ragged data is refused, never read into a shape it does not have.
     */
    private static void flatten(Object v, List<Double> out, List<Long> shape, int depth, String what) {
        boolean leaf = !(v instanceof List<?>);
        if (leaf ? depth < shape.size() : depth == shape.size() && !out.isEmpty()) {
            throw new UserError(what + ": \"data\" is ragged: " + (leaf ? "a number where a list was expected" : "a list where a number was expected")
                    + " at depth " + (depth + 1));
        }
        switch (v) {
            case List<?> l -> {
                if (shape.size() == depth) {
                    shape.add((long) l.size());
                } else if (shape.get(depth) != l.size()) {
                    throw new UserError(what + ": \"data\" is ragged: a list of " + l.size() + " at depth " + (depth + 1)
                            + " where the first had " + shape.get(depth));
                }
                l.forEach(x -> flatten(x, out, shape, depth + 1, what));
            }
            case Double d -> out.add(d);
            case Boolean b -> out.add(b ? 1.0 : 0.0);
            case null, default -> throw new UserError(what + ": \"data\" must hold numbers or booleans, not " + v);
        }
    }

    private static boolean containsBoolean(Object v) {
        return v instanceof Boolean || v instanceof List<?> l && !l.isEmpty() && containsBoolean(l.getFirst());
    }

    /** The JSON form of a tensor: a bare number for a scalar, else dims, shape and flat data. */
    public static Object toJson(Tensor t) {
        double[] v = t.values();
        if (t.dims().isEmpty()) {
            return t.dtype() == DType.BOOL ? (Object) (v[0] != 0) : (Object) v[0];
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dims", t.dims());
        List<Long> shape = new ArrayList<>();
        for (long s : t.shape()) {
            shape.add(s);
        }
        out.put("shape", shape);
        List<Object> data = new ArrayList<>(v.length);
        for (double x : v) {
            data.add(t.dtype() == DType.BOOL ? (Object) (x != 0) : (Object) x);
        }
        out.put("data", data);
        return out;
    }
}
