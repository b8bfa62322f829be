package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@code sweep} block where each key and value is written (spec/train.md#sweeps): its own
 * settings ({@code train}, {@code objective}, {@code seeds}, {@code steps}, {@code metric},
 * {@code method}), and every swept {@code --set} path: a hyper-parameter of every objective the sweep
 * runs, with values of its dtype, or an argument of {@code env}, {@code loop}, {@code network} or
 * {@code optimizer} with values a train block could hold. Whether those arguments exist and fit
 * their loop is known only to the training runtime, which checks every expanded variant before a
 * sweep runs.
 */
public final class SweepChecker {

    /** The sweep's own settings; any other key is a {@code --set} path. */
    public static final List<String> SETTINGS = List.of("train", "objective", "seeds", "steps", "metric", "method");
    /** The settings whose arguments a path such as {@code optimizer.lr} sets. */
    public static final List<String> CALLS = List.of("env", "loop", "network", "optimizer", "objective");
    /** What a sweep ranks its configurations by, each averaged over seeds. */
    public static final List<String> METRICS = List.of("eval_mean_return", "final_return", "mean_return");
    /** The distributions of random search. */
    public static final List<String> DISTRIBUTIONS = List.of("uniform", "log_uniform", "choice");

    private final Checker session;
    private final TrainChecker train;
    private final ModuleScope scope;
    private final Diagnostics diags;

    SweepChecker(Checker session, ModuleScope scope, Diagnostics diags) {
        this.session = session;
        this.train = new TrainChecker(session, scope, diags);
        this.scope = scope;
        this.diags = diags;
    }

    void check(SweepDecl sweep) {
        Map<String, SweepDecl.Setting> byKey = new HashMap<>();
        for (SweepDecl.Setting s : sweep.settings()) {
            SweepDecl.Setting previous = byKey.putIfAbsent(normal(s.path()), s);
            if (previous != null) {
                diags.error(Code.E015, s.keySpan(), "`" + s.path() + "` is already given at line " + previous.span().line());
            }
        }
        boolean random = byKey.containsKey("method") && method(byKey.get("method").value());
        List<FnInfo> objectives = objectives(sweep, byKey, random);
        for (SweepDecl.Setting s : sweep.settings()) {
            if (byKey.get(normal(s.path())) != s) {
                continue;
            }
            switch (s.path()) {
                case "train", "objective", "method" -> { /* checked above */ }
                case "seeds" -> seeds(s.value());
                case "steps" -> {
                    if (!(s.value() instanceof Expr.IntLit i) || i.value() < 1) {
                        invalid(s.value(), "`steps` takes the environment-step budget, an integer ≥ 1: steps = 100_000");
                    }
                }
                case "metric" -> metric(s.value());
                default -> swept(s, objectives, random);
            }
        }
    }

    /** {@code optimizer.lr} stays, {@code objective.eps} is {@code eps}: --set reads both so. */
    private static String normal(String path) {
        return path.startsWith("objective.") ? path.substring("objective.".length()) : path;
    }

    // ---- what runs: train blocks and objectives -----------------------------------------------

    /** The objectives the sweep runs (of its {@code objective} list, else of its train blocks), or null if unknown. */
    private List<FnInfo> objectives(SweepDecl sweep, Map<String, SweepDecl.Setting> byKey, boolean random) {
        List<TrainDecl> blocks = trainBlocks(sweep, byKey.get("train"), random);
        SweepDecl.Setting variants = byKey.get("objective");
        List<FnInfo> out = new ArrayList<>();
        if (variants != null) {
            for (Expr v : items(variants.value(), "`objective` takes a list of objectives: [ppo(eps: 0.2), spo(eps: 0.2)]",
                    random)) {
                out.add(train.objective(v));
            }
        } else {
            for (TrainDecl b : blocks) {
                b.settings().stream().filter(s -> s.key().name().equals("objective")).findFirst()
                        .ifPresent(s -> out.add(blockObjective(s.value())));
            }
        }
        return out.contains(null) || out.isEmpty() ? null : out;
    }

    /** What is known of the objective a train block names (already checked, so quietly). */
    private FnInfo blockObjective(Expr value) {
        Ident name = value instanceof Expr.Call c ? c.callee() : value instanceof Expr.Name n ? n.id() : null;
        return name == null || scope.lookup(name.name()) == null || !scope.lookup(name.name()).objective() ? null
                : session.info(scope.lookup(name.name()));
    }

    private List<TrainDecl> trainBlocks(SweepDecl sweep, SweepDecl.Setting setting, boolean random) {
        Map<String, TrainDecl> all = new java.util.LinkedHashMap<>();
        for (Decl d : scope.module().ast().decls()) {
            if (d instanceof TrainDecl t) {
                all.putIfAbsent(t.name().name(), t);
            }
        }
        if (setting == null) {
            if (all.size() != 1) {
                diags.error(Code.E081, sweep.name().span(), "sweep `" + sweep.name().name() + "` lacks `train`: the file has "
                        + (all.isEmpty() ? "no train block" : all.size() + " train blocks"),
                        all.isEmpty() ? "a sweep runs train blocks of its file (spec/train.md)" : "add a line such as train = "
                                + all.keySet().iterator().next());
            }
            return List.copyOf(all.values());
        }
        Expr value = setting.value();
        List<Expr> names = value instanceof Expr.Name ? List.of(value)
                : items(value, "`train` takes a train block of this file, or a list of them: [ppo_cartpole, spo_cartpole]", random);
        List<TrainDecl> out = new ArrayList<>();
        for (Expr e : names) {
            if (!(e instanceof Expr.Name n)) {
                invalid(e, "`train` takes names of train blocks of this file");
            } else if (!all.containsKey(n.id().name())) {
                diags.error(Code.E010, n.span(), "no train block `" + n.id().name() + "` in this file",
                        Suggest.didYouMean(n.id().name(), all.keySet()));
            } else {
                out.add(all.get(n.id().name()));
            }
        }
        return out;
    }

    // ---- the sweep's own settings ---------------------------------------------------------------

    /** {@code grid} or {@code random(trials: N, seed: S)}; returns whether the search is random. */
    private boolean method(Expr value) {
        if (value instanceof Expr.Name n && n.id().name().equals("grid")) {
            return false;
        }
        if (value instanceof Expr.Call c && c.callee().name().equals("random")) {
            Set<String> seen = new HashSet<>();
            for (Expr.Arg a : c.args()) {
                String name = a.name() == null ? null : a.name().name();
                if (name == null || !List.of("trials", "seed").contains(name) || !seen.add(name)) {
                    invalid(a.value(), "`random` takes trials: N and seed: S, by name, once each");
                } else if (!(a.value() instanceof Expr.IntLit i) || name.equals("trials") && i.value() < 1) {
                    invalid(a.value(), "`" + name + "` takes an integer" + (name.equals("trials") ? " ≥ 1" : ""));
                }
            }
            if (!seen.contains("trials")) {
                invalid(value, "`random` needs the number of configurations: random(trials: 40, seed: 0)");
            }
            return true;
        }
        invalid(value, "`method` takes grid or random(trials: 40, seed: 0)");
        return false;
    }

    private void seeds(Expr value) {
        if (value instanceof Expr.IntLit i) {
            if (i.value() < 1) {
                invalid(value, "`seeds = N` runs seeds 1 to N, so N is at least 1");
            }
            return;
        }
        Set<Long> seen = new HashSet<>();
        for (Expr e : items(value, "`seeds` takes a count, seeds = 5 (seeds 1 to 5), or a list: seeds = [1, 7, 42]", false)) {
            if (!(e instanceof Expr.IntLit i)) {
                invalid(e, "a seed is an integer literal");
            } else if (!seen.add(i.value())) {
                invalid(e, "seed " + i.value() + " is already in the list");
            }
        }
    }

    private void metric(Expr value) {
        Expr name = value;
        if (value instanceof Expr.Call c && (c.callee().name().equals("max") || c.callee().name().equals("min"))
                && c.args().size() == 1 && c.args().getFirst().name() == null) {
            name = c.args().getFirst().value();
        }
        if (!(name instanceof Expr.Name n) || !METRICS.contains(n.id().name())) {
            String hint = name instanceof Expr.Name n ? Suggest.didYouMean(n.id().name(), METRICS) : null;
            diags.error(Code.E082, name.span(), "`metric` takes max(NAME) or min(NAME), NAME one of "
                    + String.join(", ", METRICS), hint);
        }
    }

    // ---- swept --set paths ----------------------------------------------------------------------

    private void swept(SweepDecl.Setting s, List<FnInfo> objectives, boolean random) {
        String path = normal(s.path());
        int dot = path.indexOf('.');
        if (dot >= 0 && !CALLS.contains(s.key().name())) {
            String hint = Suggest.didYouMean(s.key().name(), CALLS);
            diags.error(Code.E080, s.key().span(), "`" + s.key().name() + "` is not a setting with arguments",
                    hint != null ? hint : "a sweep sets arguments of " + String.join(", ", CALLS.subList(0, 4))
                            + " (optimizer.lr), or a hyper-parameter of the objective by its name (eps)");
            return;
        }
        if (dot < 0 && CALLS.subList(0, 4).contains(path)) {
            diags.error(Code.E080, s.key().span(), "a sweep sets arguments of `" + path + "`, not the whole setting",
                    "sweep an argument (" + path + ".NAME = [...]), or whole settings with several train blocks: train = [a, b]");
            return;
        }
        if (dot < 0) {
            hyper(s, path, objectives, random);
            return;
        }
        for (Expr item : values(s, random)) {
            train.configValue(item);
        }
    }

    /** A key without a dot: a hyper-parameter of every objective the sweep runs, with values of its dtype. */
    private void hyper(SweepDecl.Setting s, String name, List<FnInfo> objectives, boolean random) {
        if (objectives == null) {
            return; /* what the sweep runs is wrong, and reported */
        }
        List<FnInfo> without = objectives.stream().filter(o -> o.param(name) == null || !o.param(name).hyper()).toList();
        if (without.size() == objectives.size()) {
            Set<String> known = new LinkedHashSet<>(SETTINGS);
            objectives.forEach(o -> o.params().stream().filter(FnInfo.Param::hyper).forEach(p -> known.add(p.name())));
            diags.error(Code.E080, s.key().span(), "unknown sweep setting `" + name + "`: not a setting of the sweep nor a"
                    + " hyper-parameter of " + names(objectives), Suggest.didYouMean(name, known));
            return;
        }
        if (!without.isEmpty()) {
            diags.error(Code.E052, s.key().span(), "`" + without.getFirst().decl().name().name() + "` has no hyper-parameter `"
                    + name + "`", "every objective of the sweep must have it; " + names(objectives) + " run here");
            return;
        }
        FnInfo.Param p = objectives.getFirst().param(name);
        boolean uniform = s.value() instanceof Expr.Call c && !c.callee().name().equals("choice");
        if (uniform && !p.type().dtype().isFloat()) {
            invalid(s.value(), "`" + name + "` is " + p.type().dtype() + ": draw it with choice([...])");
            return;
        }
        for (Expr item : values(s, random)) {
            if (!uniform && !TrainChecker.fits(p, item)) {
                invalid(item, "`" + name + "` takes a literal " + p.type().dtype());
            }
        }
    }

    /** The values of a swept key: a list; under random search also a distribution. Returns the literals to check. */
    private List<Expr> values(SweepDecl.Setting s, boolean random) {
        if (s.value() instanceof Expr.Call c && DISTRIBUTIONS.contains(c.callee().name())) {
            if (!random) {
                invalid(s.value(), "`" + c.callee().name() + "` draws values for random search: add method = random(trials: N)");
                return List.of();
            }
            return distribution(c);
        }
        return items(s.value(), "`" + s.path() + "` takes a list of values, e.g. [1e-3, 3e-4] ([1e-3] for one)", random);
    }

    private List<Expr> distribution(Expr.Call c) {
        String name = c.callee().name();
        if (name.equals("choice")) {
            if (c.args().size() == 1 && c.args().getFirst().name() == null && c.args().getFirst().value() instanceof Expr.ListLit l
                    && !l.items().isEmpty()) {
                return l.items();
            }
            invalid(c, "`choice` takes one list of values: choice([4, 8])");
            return List.of();
        }
        double[] bounds = new double[2];
        boolean ok = c.args().size() == 2;
        for (int i = 0; ok && i < 2; i++) {
            ok = c.args().get(i).name() == null && number(c.args().get(i).value(), bounds, i);
        }
        if (!ok || bounds[0] >= bounds[1] || name.equals("log_uniform") && bounds[0] <= 0) {
            invalid(c, "`" + name + "` takes two numbers LOW < HIGH" + (name.equals("log_uniform") ? ", LOW > 0" : "")
                    + ": " + name + "(" + (name.equals("log_uniform") ? "1e-4, 1e-2" : "0.1, 0.3") + ")");
        }
        return List.of();
    }

    private static boolean number(Expr e, double[] into, int i) {
        double sign = e instanceof Expr.Neg ? -1 : 1;
        Expr v = e instanceof Expr.Neg n ? n.operand() : e;
        into[i] = sign * switch (v) {
            case Expr.IntLit l -> l.value();
            case Expr.FloatLit l -> l.value();
            default -> Double.NaN;
        };
        return !Double.isNaN(into[i]);
    }

    /** The items of a non-empty list; otherwise E082 with {@code expected}. Random search also takes choice([...]). */
    private List<Expr> items(Expr value, String expected, boolean random) {
        if (value instanceof Expr.ListLit l && !l.items().isEmpty()) {
            return l.items();
        }
        if (random && value instanceof Expr.Call c && c.callee().name().equals("choice")) {
            return distribution(c);
        }
        invalid(value, expected);
        return List.of();
    }

    private static String names(List<FnInfo> objectives) {
        return String.join(", ", objectives.stream().map(o -> "`" + o.decl().name().name() + "`").distinct().toList());
    }

    private void invalid(Expr value, String message) {
        diags.error(Code.E082, value.span(), message);
    }
}
