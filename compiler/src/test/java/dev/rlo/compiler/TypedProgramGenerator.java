package dev.rlo.compiler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random well-typed objectives, for comparing backends: a chain of {@code let}s, each applying a
 * random builtin (element-wise, reductions, softmax, masked, gather, scan, shift, sort, quantile,
 * cvar, rename and outer products) to earlier values, with its dimensions tracked so that every
 * program checks. Some values are reported, so intermediate tensors are compared too.
 */
public final class TypedProgramGenerator {

    private record Value(String name, List<String> dims) { }

    private final Random random;
    private final List<Value> values = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private int next;

    public TypedProgramGenerator(Random random) {
        this.random = random;
    }

    public String program() {
        values.add(new Value("x", List.of("B", "T")));
        values.add(new Value("y", List.of("T")));
        values.add(new Value("q", List.of("B", "A")));
        int lets = 3 + random.nextInt(6);
        for (int i = 0; i < lets; i++) {
            let();
        }
        Value last = values.getLast();
        return "objective random_case(x: f32[B,T] grad, y: f32[T] grad, q: f32[B,A] grad, m: bool[B,T], a: i32[B]) {\n"
                + body + "  mean(" + last.name() + ") + mean(x * y) + mean(q)\n}\n";
    }

    private void let() {
        Value v = pick();
        Value w = pick();
        String d = v.dims().isEmpty() ? null : v.dims().get(random.nextInt(v.dims().size()));
        String expr;
        List<String> dims = v.dims();
        switch (random.nextInt(d == null ? 4 : 15)) {
            case 0 -> expr = pickOf("exp(clip(%s, -3, 3))", "log(abs(%s) + 1)", "tanh(%s)", "sigmoid(%s)", "softplus(%s)",
                    "sqrt(abs(%s))", "abs(%s)", "square(%s)", "relu(%s)", "log_sigmoid(%s)", "huber(%s, 1.0)",
                    "normal_cdf(%s)", "-%s").formatted(v.name());
            case 1 -> {
                expr = v.name() + pickOf(" + ", " - ", " * ") + w.name();
                dims = union(v.dims(), w.dims());
            }
            case 2 -> {
                expr = pickOf("where(%s > %s, %1$s, %2$s)", "min(%s, %s)", "max(%s, %s)", "%s / (abs(%s) + 1)")
                        .formatted(v.name(), w.name());
                dims = union(v.dims(), w.dims());
            }
            case 3 -> expr = "clip(" + v.name() + ", -1, 1) * 2";
            case 4, 5 -> {
                expr = pickOf("mean", "sum", "max", "min", "logsumexp") + "(" + v.name() + ", over: " + d + ")";
                dims = minus(v.dims(), d);
            }
            case 6 -> {
                expr = pickOf("std", "var") + "(" + v.name() + ", over: " + d + ", ddof: " + random.nextInt(2) + ")";
                dims = minus(v.dims(), d);
            }
            case 7 -> expr = pickOf("softmax", "log_softmax") + "(" + v.name() + ", over: " + d + ")";
            case 8 -> {
                if (!v.dims().contains("B") && !v.dims().contains("T")) {
                    expr = "masked_mean(" + v.name() + ", m)";
                    dims = List.of();
                } else {
                    expr = "masked_" + pickOf("mean", "sum", "max", "std") + "(" + v.name() + ", m, over: " + d + ")";
                    dims = minus(union(v.dims(), List.of("B", "T")), d);
                }
            }
            case 9 -> {
                expr = "q[A = a] * " + v.name();
                dims = union(List.of("B"), v.dims());
            }
            case 10 -> {
                expr = "scan(" + v.name() + " * 0.5, over: " + d + ", decay: 0.9, reverse: " + random.nextBoolean() + ")";
            }
            case 11 -> expr = "shift(" + v.name() + ", over: " + d + ", by: " + (random.nextBoolean() ? 1 : -1) + ", fill: 0.5)";
            case 12 -> {
                expr = pickOf("quantile(%s, 0.3, over: %s)", "cvar(%s, 0.5, over: %s)").formatted(v.name(), d);
                dims = minus(v.dims(), d);
            }
            case 13 -> expr = "sort(" + v.name() + ", over: " + d + ", descending: " + random.nextBoolean() + ")";
            default -> {
                String s = "S" + next;
                expr = "mean(" + v.name() + "[" + d + " -> " + s + "] - " + v.name() + ", over: " + s + ")";
            }
        }
        String name = "v" + next++;
        body.append("  let ").append(name).append(" = ").append(expr).append('\n');
        if (random.nextInt(3) == 0) {
            body.append("  report r_").append(name).append(" = ").append(name).append('\n');
        }
        values.add(new Value(name, dims));
    }

    private Value pick() {
        return values.get(random.nextInt(values.size()));
    }

    private String pickOf(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return List.copyOf(s);
    }

    private static List<String> minus(List<String> a, String d) {
        List<String> out = new ArrayList<>(a);
        out.remove(d);
        return out;
    }
}
