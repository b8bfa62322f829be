package dev.rlo.runtime.sweep;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Severity;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.runtime.Rng;
import dev.rlo.runtime.train.Experiment;
import dev.rlo.runtime.train.TrainError;
import dev.rlo.runtime.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep expanded into its runs (spec/train.md#runs): the configurations of a grid or a random
 * search, each checked against its loop as {@code rlo train} would, times the seeds. The sweep is a
 * {@code sweep} block of the file, changed by the command line ({@code --grid}, {@code --seeds},
 * {@code --steps}), or, in a file without one, made of the command line alone.
 *
 * @param problems every configuration that does not fit its loop, as diagnostics; nothing may run unless empty
 */
public record Plan(String name, Metric metric, List<Run> runs, List<Diagnostic> problems) {

    /** What the command line adds: {@code --grid KEY=V1,V2} axes (replacing the block's), a seed count, a budget. */
    public record Changes(Map<String, List<String>> grid, Integer seeds, Long steps) {
        public static final Changes NONE = new Changes(Map.of(), null, null);
    }

    /** A swept key with its choices, or its distribution under random search. */
    private record Axis(String key, List<Choice> choices, Expr.Call distribution) { }

    /** One value of an axis: its text as {@code --set} takes it, its source (null from the command line). */
    private record Choice(String text, Expr source) { }

    /** One configuration: a train block, an objective (null: the block's), {@code --set} values and where each was written. */
    private record Config(String label, String train, String objective, Map<String, String> set,
                          Map<String, SourceSpan> origins) { }

    /** The sweep {@code requested} of {@code compiler}'s file (or its only one, or none), with {@code changes}. */
    public static Plan of(Compiler compiler, String requested, Changes changes) {
        SweepDecl sweep = sweep(compiler, requested);
        List<TrainDecl> blocks = compiler.trainDecls();
        if (sweep == null && blocks.isEmpty()) {
            throw new UserError("the file has neither a sweep nor a train block (spec/train.md)");
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        changes.grid().forEach((k, v) -> grid.put(normal(k), v));
        Map<String, Expr> settings = new LinkedHashMap<>();
        List<Axis> axes = new ArrayList<>();
        for (SweepDecl.Setting s : sweep == null ? List.<SweepDecl.Setting>of() : sweep.settings()) {
            String key = normal(s.path());
            if (List.of("seeds", "steps", "metric", "method").contains(key)) {
                settings.put(key, s.value());
            } else {
                axes.add(grid.containsKey(key) ? cli(key, grid.remove(key)) : axis(key, s.value()));
            }
        }
        grid.forEach((key, values) -> axes.add(cli(key, values)));
        String train = axes.stream().anyMatch(a -> a.key().equals("train")) ? null : onlyTrain(blocks, sweep);
        SourceSpan at = sweep != null ? sweep.name().span() : blocks.getFirst().name().span();
        Expr method = settings.get("method");
        List<Config> configs = method instanceof Expr.Call random ? random(axes, train, random) : grid(axes, train);
        Metric metric = settings.containsKey("metric") ? Metric.parse(settings.get("metric").span().text()) : Metric.DEFAULT;
        Long steps = changes.steps() != null ? changes.steps()
                : settings.get("steps") instanceof Expr.IntLit i ? Long.valueOf(i.value()) : null;
        List<Long> seeds = changes.seeds() != null ? range(changes.seeds()) : seeds(settings.get("seeds"));

        Set<Diagnostic> problems = new LinkedHashSet<>();
        List<Run> runs = new ArrayList<>();
        List<Experiment> bases = new ArrayList<>();
        for (Config c : configs) {
            try {
                Experiment x = Experiment.of(compiler, c.train(), new Experiment.Overrides(c.objective(), c.set(), c.origins(),
                        null, steps));
                Trainer.check(x);
                bases.add(x);
            } catch (TrainError e) {
                problems.add(e.diagnostic());
            } catch (UserError e) {
                problems.add(new Diagnostic(Severity.ERROR, null, at, e.getMessage(), "in configuration " + c.label()));
            }
        }
        if (problems.isEmpty()) {
            int count = configs.size() * (seeds == null ? 1 : seeds.size());
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get(i);
                Experiment x = bases.get(i);
                for (long seed : seeds == null ? List.of(x.seed()) : seeds) {
                    runs.add(Run.of(runs.size() + 1, count, c.label(), x.name(), c.objective(), c.set(), seed, x.steps()));
                }
            }
        }
        String name = sweep != null ? sweep.name().name() : train != null ? train : "sweep";
        return new Plan(name, metric, runs, List.copyOf(problems));
    }

    private static SweepDecl sweep(Compiler compiler, String requested) {
        List<SweepDecl> all = compiler.sweepDecls();
        List<String> names = all.stream().map(s -> s.name().name()).toList();
        if (requested != null) {
            return all.stream().filter(s -> s.name().name().equals(requested)).findFirst().orElseThrow(() ->
                    new UserError("no sweep `" + requested + "`" + (names.isEmpty() ? "; the file has none" : "; the file has "
                            + String.join(", ", names))));
        }
        if (all.size() > 1) {
            throw new UserError("the file has " + all.size() + " sweeps (" + String.join(", ", names) + "); choose one with --sweep");
        }
        return all.isEmpty() ? null : all.getFirst();
    }

    /** The train block a sweep without a {@code train} key runs: the file's only one. */
    private static String onlyTrain(List<TrainDecl> blocks, SweepDecl sweep) {
        if (blocks.size() != 1) {
            throw new UserError("the file has " + (blocks.isEmpty() ? "no train block" : blocks.size() + " train blocks")
                    + (sweep == null ? "; sweep them with --grid train=NAME,..." : "; the sweep must name them with train = ..."));
        }
        return blocks.getFirst().name().name();
    }

    /** {@code objective.eps} is {@code eps}, as for {@code --set}. */
    private static String normal(String key) {
        return key.startsWith("objective.") ? key.substring("objective.".length()) : key;
    }

    private static Axis cli(String key, List<String> values) {
        return new Axis(key, values.stream().map(v -> new Choice(v, null)).toList(), null);
    }

    private static Axis axis(String key, Expr value) {
        if (value instanceof Expr.Call c && !c.callee().name().equals("choice")) {
            return new Axis(key, List.of(), c);
        }
        List<Expr> items = value instanceof Expr.ListLit l ? l.items()
                : value instanceof Expr.Call c ? ((Expr.ListLit) c.args().getFirst().value()).items() : List.of(value);
        return new Axis(key, items.stream().map(e -> new Choice(text(e), e)).toList(), null);
    }

    /** A value as {@code --set} takes it: strings unquoted, everything else as written without spaces. */
    static String text(Expr e) {
        return e instanceof Expr.StringLit s ? s.value() : e.span().text().replaceAll("\\s+", "");
    }

    // ---- configurations -------------------------------------------------------------------------

    /** Every combination, the axes in the order written, the last varying fastest. */
    private static List<Config> grid(List<Axis> axes, String train) {
        List<List<Choice>> tuples = new ArrayList<>(List.of(List.of()));
        for (Axis a : axes) {
            List<List<Choice>> next = new ArrayList<>();
            for (List<Choice> t : tuples) {
                for (Choice c : a.choices()) {
                    List<Choice> longer = new ArrayList<>(t);
                    longer.add(c);
                    next.add(longer);
                }
            }
            tuples = next;
        }
        return tuples.stream().map(t -> config(axes, t, train, false)).toList();
    }

    /** {@code trials} configurations, each drawing its axes in order from SplitMix64 seeded {@code seed}; repeats run once. */
    private static List<Config> random(List<Axis> axes, String train, Expr.Call method) {
        long trials = 0;
        long seed = 0;
        for (Expr.Arg a : method.args()) {
            long v = ((Expr.IntLit) a.value()).value();
            if (a.name().name().equals("trials")) {
                trials = v;
            } else {
                seed = v;
            }
        }
        Rng rng = new Rng(seed);
        Map<String, Config> out = new LinkedHashMap<>();
        for (long t = 0; t < trials; t++) {
            List<Choice> tuple = new ArrayList<>();
            for (Axis a : axes) {
                tuple.add(a.distribution() != null ? draw(a.distribution(), rng) : a.choices().get(rng.below(a.choices().size())));
            }
            Config c = config(axes, tuple, train, true);
            out.putIfAbsent(c.label(), c);
        }
        return List.copyOf(out.values());
    }

    /** A number from {@code uniform(LOW, HIGH)} or {@code log_uniform(LOW, HIGH)}, as Java's shortest decimal. */
    private static Choice draw(Expr.Call d, Rng rng) {
        double lo = number(d.args().get(0).value());
        double hi = number(d.args().get(1).value());
        double v = d.callee().name().equals("log_uniform") ? Math.exp(rng.uniform(Math.log(lo), Math.log(hi))) : rng.uniform(lo, hi);
        return new Choice(Double.toString(v), d);
    }

    private static double number(Expr e) {
        return switch (e) {
            case Expr.Neg n -> -number(n.operand());
            case Expr.IntLit i -> i.value();
            case Expr.FloatLit f -> f.value();
            default -> throw new IllegalStateException("checked: a number");
        };
    }

    /** The configuration of one choice per axis; its label names the axes that vary (all of them under random search). */
    private static Config config(List<Axis> axes, List<Choice> tuple, String train, boolean random) {
        String block = train;
        String objective = null;
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, SourceSpan> origins = new LinkedHashMap<>();
        List<String> label = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            Axis a = axes.get(i);
            Choice c = tuple.get(i);
            if (random || a.distribution() != null || a.choices().size() > 1) {
                label.add(a.key() + "=" + c.text());
            }
            switch (a.key()) {
                case "train" -> block = c.text();
                case "objective" -> objective = variant(c, set, origins);
                default -> { }
            }
        }
        /* swept values after the variant's own, which they replace wherever the keys were written */
        for (int i = 0; i < axes.size(); i++) {
            String key = axes.get(i).key();
            Choice c = tuple.get(i);
            if (!key.equals("train") && !key.equals("objective")) {
                set.put(key, c.text());
                if (c.source() != null) {
                    origins.put(key, c.source().span());
                }
            }
        }
        return new Config(label.isEmpty() ? block : String.join(" ", label), block, objective, set, origins);
    }

    /** An objective variant, {@code spo(eps: 0.2)}: its name; its hyper-parameters go to {@code set}. */
    private static String variant(Choice c, Map<String, String> set, Map<String, SourceSpan> origins) {
        if (!(c.source() instanceof Expr.Call call)) {
            if (c.source() != null) {
                origins.put("objective", c.source().span());
            }
            return c.text();
        }
        origins.put("objective", call.callee().span());
        for (Expr.Arg a : call.args()) {
            set.put(a.name().name(), text(a.value()));
            origins.put(a.name().name(), a.value().span());
        }
        return call.callee().name();
    }

    private static List<Long> seeds(Expr value) {
        return switch (value) {
            case null -> null;
            case Expr.IntLit n -> range(n.value());
            case Expr.ListLit l -> l.items().stream().map(e -> ((Expr.IntLit) e).value()).toList();
            default -> throw new IllegalStateException("checked: seeds");
        };
    }

    private static List<Long> range(long n) {
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= n; s++) {
            out.add(s);
        }
        return out;
    }
}
