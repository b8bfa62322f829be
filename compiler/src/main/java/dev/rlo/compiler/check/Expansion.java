package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ast.Stmt;
import dev.rlo.compiler.base.Limits;
import java.util.function.Function;

/**
 * How large and how deep a fn or objective becomes once lowering has inlined every call in it
 * (spec/syntax.md#limits): its expressions counted, each call adding its callee's count, and the
 * deepest nesting, each call adding its callee's depth below it. Counts saturate just above
 * {@link Limits#MAX_INLINED_OPERATIONS}, so a body that doubles at each of 60 levels is measured in
 * linear time.
 *
 * @param overLimit whether this or a callee already exceeded a limit (then it is reported once, there)
 */
record Expansion(long operations, int depth, boolean overLimit) {

    private static final long CAP = Limits.MAX_INLINED_OPERATIONS + 1;

    /** The expansion of {@code fn}, given each callee's (by the name called; null for builtins). */
    static Expansion of(FnDecl fn, Function<String, Expansion> callees) {
        Walk w = new Walk(callees);
        int depth = 0;
        for (Param p : fn.params()) {
            if (p.defaultValue() != null) {
                depth = Math.max(depth, w.expr(p.defaultValue()));
            }
        }
        for (Stmt s : fn.body().stmts()) {
            depth = Math.max(depth, w.expr(s.value()));
        }
        depth = Math.max(depth, w.expr(fn.body().result()));
        return new Expansion(w.operations, Math.min(depth, Limits.MAX_NESTING + 2), w.overLimit);
    }

    boolean tooLarge() {
        return operations > Limits.MAX_INLINED_OPERATIONS;
    }

    /** Whether it nests more than {@link Limits#MAX_NESTING} levels above its innermost names and numbers. */
    boolean tooDeep() {
        return depth > Limits.MAX_NESTING + 1;
    }

    private static final class Walk {
        final Function<String, Expansion> callees;
        long operations;
        boolean overLimit;

        Walk(Function<String, Expansion> callees) {
            this.callees = callees;
        }

        /** Counts {@code e}'s operations and returns its depth. */
        int expr(Expr e) {
            operations = Math.min(CAP, operations + 1);
            return 1 + switch (e) {
                case Expr.IntLit x -> 0;
                case Expr.FloatLit x -> 0;
                case Expr.BoolLit x -> 0;
                case Expr.StringLit x -> 0;
                case Expr.Name x -> 0;
                case Expr.Neg n -> expr(n.operand());
                case Expr.Not n -> expr(n.operand());
                case Expr.Binary b -> Math.max(expr(b.left()), expr(b.right()));
                case Expr.ListLit l -> l.items().stream().mapToInt(this::expr).max().orElse(0);
                case Expr.Index ix -> {
                    int d = expr(ix.target());
                    for (Expr.IndexItem item : ix.items()) {
                        if (item instanceof Expr.Gather g) {
                            d = Math.max(d, expr(g.index()));
                        }
                    }
                    yield d;
                }
                case Expr.Call c -> {
                    int d = c.args().stream().mapToInt(a -> expr(a.value())).max().orElse(0);
                    Expansion callee = callees.apply(c.callee().name());
                    if (callee != null) {
                        operations = Math.min(CAP, operations + callee.operations());
                        overLimit |= callee.overLimit();
                        d = Math.max(d, callee.depth());
                    }
                    yield d;
                }
            };
        }
    }
}
