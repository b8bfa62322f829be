package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a call's arguments to the callee's parameters: positional arguments first, in order, then
 * named ones in any order (spec/syntax.md#calls). Shared by builtins and user fns.
 */
final class ArgBinder {

    private ArgBinder() { }

    /**
     * Binds {@code call}'s arguments.
     *
     * @param formals    the parameter names, in positional order
     * @param required   the names that must be given
     * @param namedOnly  names that may only be given by name (a fn's dimension variables)
     * @param signature  how the callee is shown in messages, e.g. {@code std(x, over = all, ddof = 0)}
     * @return the argument expression per name, or {@code null} after reporting an error
     */
    static Map<String, Expr> bind(Expr.Call call, List<String> formals, Set<String> required,
                                  Set<String> namedOnly, String signature, Diagnostics diags) {
        Map<String, Expr> bound = new LinkedHashMap<>();
        boolean ok = true;
        boolean sawNamed = false;
        int position = 0;
        for (Expr.Arg arg : call.args()) {
            if (arg.name() == null) {
                if (sawNamed) {
                    diags.error(Code.E054, arg.span(), "positional argument after a named argument",
                            "give the arguments after the first named one by name too: " + signature);
                    ok = false;
                } else if (position >= formals.size()) {
                    diags.error(Code.E051, arg.span(), "too many arguments: " + signature + " takes "
                            + plural(formals.size(), "argument"));
                    return null;
                } else {
                    bound.put(formals.get(position++), arg.value());
                }
                continue;
            }
            sawNamed = true;
            String name = arg.name().name();
            if (!formals.contains(name) && !namedOnly.contains(name)) {
                List<String> candidates = new ArrayList<>(formals);
                candidates.addAll(namedOnly);
                diags.error(Code.E052, arg.name().span(), "`" + call.callee().name() + "` has no parameter `"
                        + name + "`", Suggest.didYouMean(name, candidates) != null
                        ? Suggest.didYouMean(name, candidates) : "its parameters: " + signature);
                ok = false;
            } else if (bound.containsKey(name)) {
                diags.error(Code.E053, arg.span(), "argument `" + name + "` is given twice");
                ok = false;
            } else {
                bound.put(name, arg.value());
            }
        }
        for (String name : required) {
            if (ok && !bound.containsKey(name)) {
                diags.error(Code.E050, call.span(), "missing argument `" + name + "` in call to " + signature);
                ok = false;
            }
        }
        return ok ? bound : null;
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
