package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the structure of a {@code train} block (spec/train.md): known settings, each once, the
 * required ones present, values of the right form, and an {@code objective} that names an objective
 * and sets only its hyper-parameters. What the settings mean is the training runtime's business.
 */
final class TrainChecker {

    /** The settings a train block may have, and the form each value takes. */
    enum Setting {
        ENV(true, Form.CALL_OR_STRING),
        OBJECTIVE(true, Form.OBJECTIVE),
        LOOP(false, Form.CALL),
        NETWORK(false, Form.CALL),
        OPTIMIZER(false, Form.CALL),
        SEED(false, Form.INT),
        STEPS(false, Form.INT);

        final boolean required;
        final Form form;

        Setting(boolean required, Form form) {
            this.required = required;
            this.form = form;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Form { CALL, CALL_OR_STRING, INT, OBJECTIVE }

    private final Checker session;
    private final ModuleScope scope;
    private final Diagnostics diags;

    TrainChecker(Checker session, ModuleScope scope, Diagnostics diags) {
        this.session = session;
        this.scope = scope;
        this.diags = diags;
    }

    void check(TrainDecl train) {
        Map<Setting, SourceSpan> seen = new HashMap<>();
        for (TrainDecl.Setting s : train.settings()) {
            Setting setting = lookup(s.key());
            if (setting == null) {
                continue;
            }
            SourceSpan previous = seen.putIfAbsent(setting, s.key().span());
            if (previous != null) {
                diags.error(Code.E015, s.key().span(), "setting `" + s.key().name() + "` is already given at line "
                        + previous.line());
                continue;
            }
            value(setting, s.value());
        }
        for (Setting setting : Setting.values()) {
            if (setting.required && !seen.containsKey(setting)) {
                diags.error(Code.E071, train.name().span(), "train block `" + train.name().name() + "` lacks `"
                        + setting.key() + "`", "add a line such as " + example(setting));
            }
        }
    }

    private Setting lookup(Ident key) {
        for (Setting s : Setting.values()) {
            if (s.key().equals(key.name())) {
                return s;
            }
        }
        List<String> keys = Arrays.stream(Setting.values()).map(Setting::key).toList();
        String hint = Suggest.didYouMean(key.name(), keys);
        diags.error(Code.E070, key.span(), "unknown train setting `" + key.name() + "`",
                hint != null ? hint : "the settings are " + String.join(", ", keys));
        return null;
    }

    private void value(Setting setting, Expr value) {
        switch (setting.form) {
            case INT -> {
                if (!(value instanceof Expr.IntLit)) {
                    invalid(value, "`" + setting.key() + "` takes an integer, e.g. " + example(setting));
                }
            }
            case CALL, CALL_OR_STRING -> {
                boolean form = value instanceof Expr.Call || value instanceof Expr.Name
                        || setting.form == Form.CALL_OR_STRING && value instanceof Expr.StringLit;
                if (!form) {
                    invalid(value, "`" + setting.key() + "` takes a name or a call such as " + example(setting));
                } else {
                    configValue(value);
                }
            }
            case OBJECTIVE -> objective(value);
        }
    }

    /** Settings take literals, names, strings, lists and calls of those; nothing is computed. */
    boolean configValue(Expr e) {
        boolean ok = switch (e) {
            case Expr.IntLit l -> true;
            case Expr.FloatLit l -> true;
            case Expr.BoolLit l -> true;
            case Expr.StringLit l -> true;
            case Expr.Name n -> true;
            case Expr.Neg n -> n.operand() instanceof Expr.IntLit || n.operand() instanceof Expr.FloatLit;
            case Expr.ListLit l -> l.items().stream().allMatch(this::configValue);
            case Expr.Call c -> c.args().stream().allMatch(a -> configValue(a.value()));
            default -> false;
        };
        if (!ok && !(e instanceof Expr.ListLit || e instanceof Expr.Call)) {
            invalid(e, "train settings take literals, names, strings, lists and calls, not computed expressions");
        }
        return ok;
    }

    /** Checks an {@code objective} value, {@code ppo(eps: 0.2)}; returns what is known of the objective, or null. */
    FnInfo objective(Expr value) {
        Ident name = switch (value) {
            case Expr.Name n -> n.id();
            case Expr.Call c -> c.callee();
            default -> null;
        };
        if (name == null) {
            invalid(value, "`objective` takes an objective's name, optionally with hyper-parameters: qae(eps: 0.1)");
            return null;
        }
        scope.use(name.name());
        FnDecl decl = scope.lookup(name.name());
        if (decl == null) {
            if (!scope.isPoisoned(name.name())) {
                diags.error(Code.E010, name.span(), "unknown objective `" + name.name() + "`",
                        Suggest.didYouMean(name.name(), scope.names()));
            }
            return null;
        }
        if (!decl.objective()) {
            diags.error(Code.E072, name.span(), "`" + name.name() + "` is a fn; `objective` needs an objective");
            return null;
        }
        FnInfo info = session.info(decl, null);
        if (info != null && info.params().stream().noneMatch(FnInfo.Param::grad)) {
            diags.error(Code.E062, name.span(), "objective `" + name.name() + "` has no differentiable input, so it cannot be trained",
                    "mark the inputs to differentiate with `grad`, e.g. logp: f32[T] grad; an objective without one only reports");
            return null;
        }
        if (info != null && value instanceof Expr.Call call) {
            call.args().forEach(a -> hyperArg(info, a));
        }
        return info;
    }

    private void hyperArg(FnInfo objective, Expr.Arg arg) {
        String fn = objective.decl().name().name();
        if (arg.name() == null) {
            invalid(arg.value(), "set hyper-parameters by name, e.g. " + fn + "(eps: 0.1)");
            return;
        }
        FnInfo.Param p = objective.param(arg.name().name());
        if (p == null || !p.hyper()) {
            String why = p == null ? "has no hyper-parameter `" + arg.name().name() + "`"
                    : "takes `" + p.name() + "` as an input, which the training loop provides";
            List<String> hypers = objective.params().stream().filter(FnInfo.Param::hyper).map(FnInfo.Param::name).toList();
            diags.error(Code.E052, arg.name().span(), "`" + fn + "` " + why, Suggest.didYouMean(arg.name().name(), hypers));
            return;
        }
        if (!fits(p, arg.value())) {
            invalid(arg.value(), "`" + p.name() + "` of `" + fn + "` takes " + (p.choice() ? "one of "
                    + p.choices().stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", "))
                    : "a literal " + p.type().dtype()));
        }
    }

    /** Whether {@code value} is a literal of hyper-parameter {@code p}'s dtype, or for a choice one of its strings. */
    static boolean fits(FnInfo.Param p, Expr value) {
        if (p.choice()) {
            return value instanceof Expr.StringLit s && p.choices().contains(s.value());
        }
        Expr v = value instanceof Expr.Neg n ? n.operand() : value;
        return switch (v) {
            case Expr.IntLit l -> p.type().dtype() != DType.BOOL;
            case Expr.FloatLit l -> p.type().dtype().isFloat();
            case Expr.BoolLit l -> p.type().dtype() == DType.BOOL && v == value;
            default -> false;
        };
    }

    private void invalid(Expr value, String message) {
        diags.error(Code.E073, value.span(), message);
    }

    private static String example(Setting s) {
        return switch (s) {
            case ENV -> "env = cartpole(envs: 8)";
            case OBJECTIVE -> "objective = ppo(eps: 0.2)";
            case LOOP -> "loop = on_policy(steps: 128, epochs: 4)";
            case NETWORK -> "network = mlp(hidden: [64, 64])";
            case OPTIMIZER -> "optimizer = adam(lr: 3e-4)";
            case SEED -> "seed = 1";
            case STEPS -> "steps = 100_000";
        };
    }
}
