package dev.rlo.compiler;

import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Test helpers: compile rlo source text and make named tensors tersely. */
public final class Rlo {

    private Rlo() { }

    public static Compiler source(String text) {
        return Compiler.fromSource("test.rlo", text, null, List.of());
    }

    /** The only objective of {@code text}, compiled for the reference backend. */
    public static CompiledObjective objective(String text, boolean f64) {
        Compiler c = source(text);
        return c.compile(c.objective(null), Map.of(), f64, new ReferenceBackend());
    }

    /** A tensor over {@code dims} ("G,K", or "" for a scalar) with {@code shape} and row-major values. */
    public static Tensor t(DType dtype, String dims, long[] shape, double... values) {
        List<String> d = dims.isEmpty() ? List.of() : Arrays.asList(dims.split(","));
        return Tensor.of(dtype, d, shape, values);
    }

    public static Tensor f64(String dims, long[] shape, double... values) {
        return t(DType.F64, dims, shape, values);
    }

    public static long[] shape(long... s) {
        return s;
    }
}
