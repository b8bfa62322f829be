package dev.rlo.runtime.train;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.source.SourceSpan;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code train} block with the command line's overrides applied: what {@code rlo train} runs.
 * Settings keep their source position, so that whatever later finds a value wrong (the environment,
 * the loop's contract) reports it at its line and column.
 *
 * <p>Overrides: {@code --steps} and {@code --seed} replace those settings; {@code --objective spo}
 * replaces the objective, dropping the hyper-parameters the block gave its own; {@code --set
 * loop.epochs=10} sets an argument of a setting's call; {@code --set eps=0.1} (no dot) a
 * hyper-parameter of the objective. A sweep's runs are the same overrides, each with its origin in
 * the sweep block, where a mistake in it is reported.
 */
public record Experiment(Compiler compiler, String name, SourceSpan span, Call env, Call loop, Call network,
                         Call optimizer, Call objective, long seed, long steps) {

    private static final Map<String, Integer> DEFAULTS = Map.of("seed", 1, "steps", 100_000);

    /**
     * What the command line (or a sweep) changes in a train block: the objective (null: the block's),
     * {@code --set} values by path, where each was written ({@code origins}, by path; {@code "objective"}
     * for the objective; absent for the command line), the seed and the budget (null: the block's).
     */
    public record Overrides(String objective, Map<String, String> set, Map<String, SourceSpan> origins, Long seed,
                            Long steps) { }

    /** The train block {@code requested} (or the file's only one) of {@code compiler}'s file, with {@code o} applied. */
    public static Experiment of(Compiler compiler, String requested, Overrides o) {
        TrainDecl block = block(compiler, requested);
        Map<String, Expr> settings = new HashMap<>();
        for (TrainDecl.Setting s : block.settings()) {
            settings.put(s.key().name(), s.value());
        }
        if (o.objective() != null) {
            compiler.objective(o.objective());
            SourceSpan at = o.origins().getOrDefault("objective",
                    settings.containsKey("objective") ? settings.get("objective").span() : block.name().span());
            settings.put("objective", new Expr.Name(new dev.rlo.compiler.ast.Ident(o.objective(), at)));
        }
        Map<String, Map<String, String>> overrides = new HashMap<>();
        Map<String, Map<String, SourceSpan>> origins = new HashMap<>();
        o.set().forEach((key, text) -> {
            int dot = key.indexOf('.');
            String setting = dot < 0 ? "objective" : key.substring(0, dot);
            if (!List.of("env", "loop", "network", "optimizer", "objective").contains(setting)) {
                throw new UserError("--set " + key + ": `" + setting + "` is not a setting with arguments;"
                        + " use env., loop., network., optimizer. or a hyper-parameter of the objective");
            }
            overrides.computeIfAbsent(setting, k -> new LinkedHashMap<>()).put(key.substring(dot + 1), text);
            if (o.origins().containsKey(key)) {
                origins.computeIfAbsent(setting, k -> new HashMap<>()).put(key.substring(dot + 1), o.origins().get(key));
            }
        });
        return new Experiment(compiler, block.name().name(), block.span(),
                call(settings, "env", "cartpole", block, overrides, origins),
                call(settings, "loop", "on_policy", block, overrides, origins),
                call(settings, "network", "mlp", block, overrides, origins),
                call(settings, "optimizer", "adam", block, overrides, origins),
                call(settings, "objective", null, block, overrides, origins),
                o.seed() != null ? o.seed() : integer(settings, "seed"),
                o.steps() != null ? o.steps() : integer(settings, "steps"));
    }

    /** The objective's hyper-parameters as set by the block and by {@code --set}. */
    public Map<String, String> hyper() {
        return objective.texts();
    }

    private static TrainDecl block(Compiler compiler, String requested) {
        List<TrainDecl> all = compiler.trainDecls();
        List<String> names = all.stream().map(t -> t.name().name()).toList();
        if (requested != null) {
            return all.stream().filter(t -> t.name().name().equals(requested)).findFirst().orElseThrow(() ->
                    new UserError("no train block `" + requested + "`"
                            + (names.isEmpty() ? "" : "; the file has " + String.join(", ", names))));
        }
        if (all.size() != 1) {
            throw new UserError(all.isEmpty() ? "the file has no train block (spec/train.md)"
                    : "the file has " + all.size() + " train blocks (" + String.join(", ", names) + "); choose one with --train");
        }
        return all.getFirst();
    }

    private static Call call(Map<String, Expr> settings, String key, String fallback, TrainDecl block,
                             Map<String, Map<String, String>> overrides, Map<String, Map<String, SourceSpan>> origins) {
        Expr e = settings.get(key);
        if (e == null) {
            e = new Expr.Name(new dev.rlo.compiler.ast.Ident(fallback, block.name().span()));
        }
        return Call.of(e, overrides.getOrDefault(key, Map.of()), origins.getOrDefault(key, Map.of()));
    }

    private static long integer(Map<String, Expr> settings, String key) {
        return settings.get(key) instanceof Expr.IntLit i ? i.value() : DEFAULTS.get(key);
    }
}
