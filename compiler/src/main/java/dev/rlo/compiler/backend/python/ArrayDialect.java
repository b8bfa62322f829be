package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Python array library that emitted modules are written for: PyTorch, JAX or NumPy. The
 * {@link ArrayEmitter} and {@link PythonModule} are shared; what differs is spelled here: the
 * module's imports and prelude ({@code common_prelude.py}, the same in every dialect, then the
 * resource {@code <name>_prelude.py}, which defines what the first calls and one set of helpers
 * with the same signatures in every dialect), the dtypes, literals, one row per IR op, and the
 * public wrappers of fns and objectives (an autograd.Function, a custom_vjp, a plain function).
 */
abstract sealed class ArrayDialect permits TorchDialect, NumpyLike {

    /** The dialect of {@code rlo compile --emit NAME}, or null if NAME names none. */
    static ArrayDialect of(String emit) {
        return switch (emit) {
            case "torch" -> new TorchDialect();
            case "jax" -> new JaxDialect();
            case "numpy" -> new NumpyDialect();
            default -> null;
        };
    }

    /** {@code torch}, {@code jax} or {@code numpy}: the {@code --emit} value. */
    abstract String name();

    /** The library's name in prose: PyTorch. */
    abstract String title();

    /** The import lines, after {@code import collections} and {@code import math}. */
    abstract String imports();

    /** The helpers every module of this dialect starts with. */
    final String prelude() {
        return resource("common_prelude.py") + "\n\n" + resource(name() + "_prelude.py");
    }

    private static String resource(String name) {
        try (InputStream in = ArrayDialect.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The dialect's name for dtype {@code d}. f32 is {@code _F}, the call's float dtype: f32, or f64
     * when an f32 input is given as f64; f64 is f64 (a program names it only on purpose).
     */
    abstract String dtype(DType d);

    /** A scalar literal where an operator or function takes one (negative ones in parentheses). */
    abstract String literal(double v, DType d);

    /** A 0-d array of dtype {@code d} on the call's device. */
    abstract String tensor(double v, DType d);

    /** An array of {@code shape} filled with {@code v}. */
    abstract String full(String shape, double v, DType d);

    /** {@code view} broadcast to {@code shape}. */
    abstract String expand(String view, String shape);

    /** {@code v} with its axes permuted ({@code axes}: {@code "1, 0"}). */
    abstract String permute(String v, String axes);

    /** {@code v} as a constant for the host's autodiff; {@code v} itself where there is none. */
    abstract String stopGradient(String v);

    /** The expression computing node {@code n} (everything but the ops {@link ArrayEmitter} spells itself). */
    abstract String row(Node n, ArrayEmitter.Row r);

    /** The public function of a fn: its body, under its signature and docstring. */
    String fn(Signature s, String body) {
        return "def " + s.name() + "(" + s.parameters() + "):\n" + s.doc() + s.fixedChecks() + body;
    }

    /** The public function (and what backs it) of an objective whose body returns loss, reports and gradients. */
    abstract String objective(Signature s, String body);

    /**
     * What a wrapper needs: the Python name, the signature's parameters (data inputs, then the
     * keyword-only knobs with their defaults, the fixed ones checked), the docstring, and for an
     * objective its reports and differentiated inputs.
     */
    record Signature(String name, String rloName, List<String> inputs, List<String> keywords, String fixedChecks, String doc,
                     List<String> reports, List<String> grads, List<String> body) {

        /** {@code a, b, *, k=1, check=True}. */
        String parameters() {
            StringBuilder s = new StringBuilder(String.join(", ", inputs));
            s.append(inputs.isEmpty() ? "*, " : ", *, ");
            keywords.forEach(k -> s.append(k).append(", "));
            return s.append("check=True").toString();
        }

        /** The body's arguments: every input, knob or not, in the graph's order, then check. */
        String arguments() {
            return String.join(", ", body) + (body.isEmpty() ? "check" : ", check");
        }

        /** The gradients an autodiff rule saves, from the body's {@code grads}: {@code grads["x"], grads["y"]}. */
        String savedGrads() {
            return grads.stream().map(g -> "grads[\"" + g + "\"]").collect(Collectors.joining(", "));
        }

        /** One cotangent per body argument: the saved gradient scaled by the loss's, or None. */
        String scaledGrads() {
            return body.stream().map(p -> grads.contains(p) ? "_scaled(grad_loss, saved[" + grads.indexOf(p) + "])" : "None")
                    .collect(Collectors.joining(", "));
        }
    }

    // ---- what every dialect writes alike --------------------------------------------------------

    /** The ops every dialect writes as Python operators (arithmetic, comparisons, and, or, -, ~); null for the others. */
    static String operator(Node n, ArrayEmitter.Row r) {
        String op = switch (n.op()) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            case POW -> "**";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            case EQ -> "==";
            case NE -> "!=";
            case AND -> "&";
            case OR -> "|";
            case NEG -> "-";
            case NOT -> "~";
            default -> null;
        };
        if (op == null) {
            return null;
        }
        return n.inputs().size() == 1 ? op + r.x(0) : "(" + r.x(0) + " " + op + " " + r.x(1) + ")";
    }

    // ---- shared spelling ------------------------------------------------------------------------

    /** {@code v} as Python source: shortest round-trip decimal, {@code math.inf}, {@code math.nan}. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "math.nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "math.inf" : "-math.inf";
        }
        return Double.toString(v).replace("E", "e");
    }

    /** A plain Python literal of dtype {@code d}: {@code 0.5}, {@code 3}, {@code True}. */
    static String plain(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "True" : "False";
            case I32 -> String.valueOf((long) v);
            case F32, F64 -> number(v);
        };
    }

    /** {@code s} in parentheses when it starts with a minus sign. */
    static String paren(String s) {
        return s.startsWith("-") ? "(" + s + ")" : s;
    }
}
