package dev.rlo.runtime.train;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.check.Suggest;
import dev.rlo.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One train-block value read as a call: {@code cartpole(envs: 8)}, or a bare name {@code tanh} (no
 * arguments). Its reader asks for each argument with a default ({@code integer("envs", 1)}); an
 * override from the command line ({@code --set env.envs=16}) or a sweep wins over the file; {@link #done}
 * then rejects any argument nobody asked for, naming the ones that exist and the nearest. An override that a sweep
 * wrote has its origin, where a mistake in it is reported; one from the command line is reported at
 * the call.
 */
public final class Call {

    private final String name;
    private final SourceSpan span;
    private final Map<String, Expr> args = new LinkedHashMap<>();
    private final Map<String, SourceSpan> keys = new LinkedHashMap<>();
    private final Map<String, String> overrides;
    private final Map<String, SourceSpan> origins;
    private final Set<String> asked = new LinkedHashSet<>();

    private Call(String name, SourceSpan span, Map<String, String> overrides, Map<String, SourceSpan> origins) {
        this.name = name;
        this.span = span;
        this.overrides = overrides;
        this.origins = origins;
    }

    /** {@code value} as a call; {@code overrides} maps argument names to their text. */
    public static Call of(Expr value, Map<String, String> overrides) {
        return of(value, overrides, Map.of());
    }

    /** Like {@link #of(Expr, Map)}; {@code origins} says where overrides were written (absent: the command line). */
    public static Call of(Expr value, Map<String, String> overrides, Map<String, SourceSpan> origins) {
        return switch (value) {
            case Expr.Name n -> new Call(n.id().name(), n.id().span(), overrides, origins);
            case Expr.StringLit s -> new Call(s.value(), s.span(), overrides, origins);
            case Expr.Call c -> {
                Call call = new Call(c.callee().name(), c.callee().span(), overrides, origins);
                for (Expr.Arg a : c.args()) {
                    if (a.name() == null) {
                        throw new TrainError(a.span(), "arguments of `" + call.name + "` are named, e.g. "
                                + call.name + "(envs: 8)");
                    }
                    call.args.put(a.name().name(), a.value());
                    call.keys.put(a.name().name(), a.name().span());
                }
                yield call;
            }
            default -> throw new TrainError(value.span(), "expected a name or a call such as cartpole(envs: 8)");
        };
    }

    public String name() {
        return name;
    }

    public SourceSpan span() {
        return span;
    }

    public boolean has(String key) {
        return args.containsKey(key) || overrides.containsKey(key);
    }

    public int integer(String key, int fallback) {
        double v = number(key, fallback);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw bad(key, "an integer");
        }
        return (int) v;
    }

    /** An integer at least {@code min}. */
    public int positive(String key, int fallback, int min) {
        int v = integer(key, fallback);
        if (v < min) {
            throw bad(key, "an integer ≥ " + min);
        }
        return v;
    }

    public double real(String key, double fallback) {
        return number(key, fallback);
    }

    public boolean bool(String key, boolean fallback) {
        asked.add(key);
        if (overrides.containsKey(key)) {
            String t = overrides.get(key).trim();
            if (t.equals("true") || t.equals("false")) {
                return Boolean.parseBoolean(t);
            }
            throw bad(key, "true or false");
        }
        Expr e = args.get(key);
        if (e == null) {
            return fallback;
        }
        if (e instanceof Expr.BoolLit b) {
            return b.value();
        }
        throw bad(key, "true or false");
    }

    /** A name such as {@code tanh}, or a string. */
    public String word(String key, String fallback) {
        asked.add(key);
        if (overrides.containsKey(key)) {
            return overrides.get(key).trim();
        }
        return switch (args.get(key)) {
            case null -> fallback;
            case Expr.Name n -> n.id().name();
            case Expr.StringLit s -> s.value();
            case Expr.Call c -> c.callee().name();
            default -> throw bad(key, "a name");
        };
    }

    /** A nested call such as {@code advantages: gae_stage(gamma: 0.98)}, or null when absent. */
    public Call call(String key) {
        asked.add(key);
        if (overrides.containsKey(key)) {
            return new Call(overrides.get(key).trim(), origins.getOrDefault(key, span), Map.of(), Map.of());
        }
        Expr e = args.get(key);
        return e == null ? null : Call.of(e, Map.of());
    }

    /** The named arguments of this call as text (numbers as literals), for hyper-parameters set by name. */
    public Map<String, String> texts() {
        Map<String, String> out = new LinkedHashMap<>();
        args.forEach((k, e) -> out.put(k, e instanceof Expr.IntLit || e instanceof Expr.FloatLit
                || e instanceof Expr.BoolLit || e instanceof Expr.Neg ? literal(e, k) : e.span().text()));
        out.putAll(overrides);
        return out;
    }

    public int[] integers(String key, int[] fallback) {
        asked.add(key);
        List<Double> values = new ArrayList<>();
        if (overrides.containsKey(key)) {
            for (String part : overrides.get(key).replaceAll("[\\[\\]\\s]", "").split(",")) {
                values.add(parse(key, part));
            }
        } else if (args.get(key) instanceof Expr.ListLit l) {
            for (Expr item : l.items()) {
                values.add(numberOf(item, key));
            }
        } else if (args.containsKey(key)) {
            throw bad(key, "a list of integers such as [64, 64]");
        } else {
            return fallback;
        }
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            double v = values.get(i);
            if (v != Math.rint(v) || v < 1) {
                throw bad(key, "a list of positive integers such as [64, 64]");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /**
     * Rejects the arguments nobody asked for, at the argument's name (or where its override was
     * written), with the nearest argument that exists as a hint. A reader asks for every argument it
     * takes before this, so what it asked is the call's schema: {@code rlo check} and {@code rlo
     * train} both read it.
     */
    public void done() {
        for (String key : args.keySet()) {
            if (!asked.contains(key)) {
                throw new TrainError(keys.get(key), "`" + name + "` has no argument `" + key + "`", takes(key));
            }
        }
        for (String key : overrides.keySet()) {
            if (!asked.contains(key)) {
                throw new TrainError(origins.getOrDefault(key, span), (origins.containsKey(key) ? "" : "--set: ")
                        + "`" + name + "` has no argument `" + key + "`", takes(key));
            }
        }
    }

    /** What the call takes, led by the argument {@code misspelt} was probably meant to be. */
    private String takes(String misspelt) {
        if (asked.isEmpty()) {
            return "`" + name + "` takes no arguments";
        }
        String near = Suggest.didYouMean(misspelt, asked);
        return (near == null ? "" : near + " ") + "it takes " + String.join(", ", asked);
    }

    /** An error at argument {@code key} (or at the call, when it came from the command line). */
    public TrainError bad(String key, String expected) {
        if (origins.containsKey(key)) {
            return new TrainError(origins.get(key), "`" + key + "` of `" + name + "` takes " + expected);
        }
        String where = overrides.containsKey(key) ? "--set " : "";
        return new TrainError(overrides.containsKey(key) || !args.containsKey(key) ? span : argSpan(key),
                where + "`" + key + "` of `" + name + "` takes " + expected);
    }

    private SourceSpan argSpan(String key) {
        return args.get(key).span();
    }

    private double number(String key, double fallback) {
        asked.add(key);
        if (overrides.containsKey(key)) {
            return parse(key, overrides.get(key));
        }
        Expr e = args.get(key);
        return e == null ? fallback : numberOf(e, key);
    }

    private double numberOf(Expr e, String key) {
        return switch (e) {
            case Expr.IntLit i -> i.value();
            case Expr.FloatLit f -> f.value();
            case Expr.Neg n when n.operand() instanceof Expr.IntLit i -> -i.value();
            case Expr.Neg n when n.operand() instanceof Expr.FloatLit f -> -f.value();
            default -> throw bad(key, "a number");
        };
    }

    private double parse(String key, String text) {
        try {
            double v = Double.parseDouble(text.trim().replace("_", ""));
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            /* reported below */
        }
        throw bad(key, "a number, not `" + text.trim() + "`");
    }

    private String literal(Expr e, String key) {
        return switch (e) {
            case Expr.IntLit i -> Long.toString(i.value());
            case Expr.FloatLit f -> Double.toString(f.value());
            case Expr.BoolLit b -> Boolean.toString(b.value());
            case Expr.Neg n -> "-" + literal(n.operand(), key);
            default -> throw bad(key, "a number or true/false");
        };
    }
}
