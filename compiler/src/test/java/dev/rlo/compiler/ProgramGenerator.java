package dev.rlo.compiler;

import dev.rlo.compiler.check.Builtin;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random rlo programs for {@link FuzzTest}: mostly well-formed syntax over a small pool of names and
 * dimensions, so that references often resolve and the checker's deeper paths (calls, mapping,
 * gathers, renames, objectives, train blocks) run on odd combinations.
 */
public final class ProgramGenerator {

    private static final String[] DIMS = {"B", "T", "K", "G", "A", "N", "M", "E"};
    private static final String[] DTYPES = {"f32", "f32", "f64", "i32", "bool"};
    private static final String[] NAMES = {"x", "y", "logp", "adv", "mask", "q", "z", "r", "a", "eps"};
    private static final String[] FNS = {"f", "g", "helper", "k3", "gae", "mean", "loss"};
    private static final String[] OPS = {"+", "-", "*", "/", "**", "<", "<=", ">", ">=", "==", "!=", "and", "or"};
    private static final String[] IMPORTS = {"import std.kl.{k1, k3}", "import std.advantage.{gae, group_norm}",
        "import std.policy.{ppo_clip}", "import std.kl.{k9}", "import nowhere.{x}", "import std.kl.{k3 as f}"};

    private final Random random;
    private final List<String> bound = new ArrayList<>();

    public ProgramGenerator(Random random) {
        this.random = random;
    }

    public String program() {
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(3); i > 0; i--) {
            out.append(pick(IMPORTS)).append('\n');
        }
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            out.append(random.nextInt(3) == 0 ? fn() : objective()).append('\n');
        }
        if (random.nextInt(4) == 0) {
            out.append(train());
        }
        return out.toString();
    }

    private String fn() {
        return "fn " + pick(FNS) + "(" + params(false) + ")" + (random.nextBoolean() ? " -> " + type() : "") + " " + body(false);
    }

    private String objective() {
        return "objective " + pick(FNS) + "(" + params(true) + ") " + body(true);
    }

    private String params(boolean objective) {
        bound.clear();
        List<String> ps = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            String name = pick(NAMES);
            bound.add(name);
            ps.add(random.nextInt(4) == 0
                    ? name + " = " + literal()
                    : name + ": " + type() + (objective && random.nextInt(3) > 0 || random.nextInt(10) == 0 ? " grad" : ""));
        }
        return String.join(", ", ps);
    }

    private String type() {
        List<String> dims = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            dims.add(pick(DIMS));
        }
        return pick(DTYPES) + (dims.isEmpty() && random.nextBoolean() ? "" : "[" + String.join(",", dims) + "]");
    }

    private String body(boolean objective) {
        StringBuilder out = new StringBuilder("{\n");
        for (int i = random.nextInt(5); i > 0; i--) {
            if (objective && random.nextInt(4) == 0 || random.nextInt(20) == 0) {
                out.append("  report ").append(pick(NAMES)).append(" = ").append(expr(3)).append('\n');
            } else {
                String name = pick(NAMES);
                out.append("  let ").append(name).append(random.nextInt(5) == 0 ? ": " + type() : "")
                        .append(" = ").append(expr(3)).append('\n');
                bound.add(name);
            }
        }
        return out.append("  ").append(expr(3)).append("\n}\n").toString();
    }

    private String expr(int depth) {
        int choice = depth <= 0 ? random.nextInt(3) : random.nextInt(11);
        return switch (choice) {
            case 0 -> bound.isEmpty() || random.nextInt(5) == 0 ? pick(NAMES) : pick(bound);
            case 1 -> literal();
            case 2 -> random.nextInt(6) == 0 ? pick(DIMS) : pick(bound.isEmpty() ? List.of("x") : bound);
            case 3 -> "-" + expr(depth - 1);
            case 4 -> "not " + expr(depth - 1);
            case 5, 6 -> expr(depth - 1) + " " + pick(OPS) + " " + expr(depth - 1);
            case 7, 8 -> call(depth);
            case 9 -> expr(depth - 1) + "[" + indexItem(depth) + (random.nextInt(3) == 0 ? ", " + indexItem(depth) : "") + "]";
            default -> random.nextInt(4) == 0 ? "[" + pick(DIMS) + ", " + pick(DIMS) + "]" : "(" + expr(depth - 1) + ")";
        };
    }

    private String call(int depth) {
        String callee = random.nextInt(4) == 0 ? pick(FNS) : pick(Builtin.values()).rloName();
        List<String> args = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            args.add(expr(depth - 1));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            String name = pick(new String[] {"over", "ddof", "by", "reverse", "decay", "fill", "q", "k", "T", "K", "eps", "x"});
            String value = random.nextBoolean() ? pick(DIMS) : random.nextInt(3) == 0 ? "[" + pick(DIMS) + "]" : expr(depth - 1);
            args.add(name + ": " + value);
        }
        return callee + "(" + String.join(", ", args) + ")";
    }

    private String indexItem(int depth) {
        return random.nextBoolean() ? pick(DIMS) + " = " + expr(depth - 1) : pick(DIMS) + " -> " + pick(DIMS);
    }

    private String literal() {
        return switch (random.nextInt(5)) {
            case 0 -> String.valueOf(random.nextInt(5));
            case 1 -> random.nextInt(10) + "." + random.nextInt(100);
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "1e-" + random.nextInt(9);
            default -> "-" + random.nextInt(3);
        };
    }

    private String train() {
        StringBuilder out = new StringBuilder("train t {\n");
        String[] keys = {"env", "objective", "loop", "network", "optimizer", "seed", "steps", "envv"};
        for (int i = random.nextInt(6); i > 0; i--) {
            String key = pick(keys);
            String value = switch (random.nextInt(5)) {
                case 0 -> pick(FNS) + "(" + pick(NAMES) + ": " + literal() + ")";
                case 1 -> "\"CartPole-v1\"";
                case 2 -> literal();
                case 3 -> "mlp(hidden: [64, " + literal() + "])";
                default -> expr(1);
            };
            out.append("  ").append(key).append(" = ").append(value).append('\n');
        }
        return out.append("}\n").toString();
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
