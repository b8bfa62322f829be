package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.Import;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.source.SourceSpan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The check phase's entry point: builds each module's scope (spec/modules.md#names) and checks its
 * fns, objectives and train blocks, each once, callees before callers. One checker serves all the
 * modules of a run, so a stdlib fn used by many files is checked once.
 */
public final class Checker {

    private final Diagnostics diags;
    private final Map<LoadedModule, ModuleScope> scopes = new IdentityHashMap<>();
    private final Map<FnDecl, ModuleScope> owners = new IdentityHashMap<>();
    private final Map<FnDecl, FnInfo> infos = new IdentityHashMap<>();
    private final Deque<FnDecl> inProgress = new ArrayDeque<>();
    private final Set<LoadedModule> checked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<FnDecl, Expansion> expansions = new IdentityHashMap<>();
    /** How deep the expressions being checked nest, through the calls being checked (E090). */
    private int nesting;

    public Checker(Diagnostics diags) {
        this.diags = diags;
    }

    /** Checks every declaration of {@code module}; a module with syntax errors is skipped. */
    public void check(LoadedModule module) {
        if (module.ast() == null || !checked.add(module)) {
            return;
        }
        ModuleScope scope = scope(module);
        for (Decl d : module.ast().decls()) {
            switch (d) {
                case FnDecl f -> {
                    if (owners.containsKey(f)) { /* else a duplicate, already reported */
                        info(f, null);
                    }
                }
                case TrainDecl t -> new TrainChecker(this, scope, diags).check(t);
                case SweepDecl w -> new SweepChecker(this, scope, diags).check(w);
            }
        }
        for (Import imp : diags.hasErrors() ? List.<Import>of() : module.ast().imports()) {
            for (Import.Item item : imp.items()) {
                if (scope.lookup(item.local().name()) != null && !scope.used(item.local().name())) {
                    diags.warning(Code.W001, item.local().span(), "`" + item.local().name() + "` is imported but never used",
                            "remove it from the import");
                }
            }
        }
    }

    /** The fn or objective that the name {@code name} calls inside {@code caller}, or null. */
    public FnDecl callee(FnDecl caller, String name) {
        ModuleScope scope = owners.get(caller);
        return scope == null ? null : scope.lookup(name);
    }

    /** The fn or objective {@code name} names at the top level of {@code module}: its own or an imported one; or null. */
    public FnDecl lookup(LoadedModule module, String name) {
        ModuleScope scope = scopes.get(module);
        return scope == null ? null : scope.lookup(name);
    }

    /** What was learnt about {@code decl}, once its module has been checked. */
    public FnInfo info(FnDecl decl) {
        return infos.get(decl);
    }

    /**
     * Checks {@code decl} if not yet done. Returns {@code null} after reporting E017 when the call
     * {@code from} closes a cycle of calls.
     */
    FnInfo info(FnDecl decl, Expr.Call from) {
        FnInfo done = infos.get(decl);
        if (done != null) {
            return done;
        }
        if (inProgress.contains(decl)) {
            List<String> chain = new ArrayList<>();
            for (FnDecl f : inProgress) {
                chain.addFirst(f.name().name());
                if (f == decl) {
                    break;
                }
            }
            chain.add(decl.name().name());
            diags.error(Code.E017, from.callee().span(), "recursive call: " + String.join(" → ", chain),
                    "rlo inlines every call, so a fn cannot call itself; use scan(…) for recurrences");
            return null;
        }
        inProgress.push(decl);
        checkCallees(decl);
        long errorsBefore = diags.errorCount();
        FnInfo info = new FnChecker(decl, new BodyChecker(this, owners.get(decl), decl, diags)).check();
        inProgress.pop();
        infos.put(decl, info);
        if (diags.errorCount() == errorsBefore) {
            expansion(decl);
        }
        return info;
    }

    /**
     * Checks the fns that {@code decl} calls, and theirs, callees first, so that checking a long
     * chain of calls is a loop rather than a deep recursion. Calls that close a cycle are left for
     * the check of the body to report (E017).
     */
    private void checkCallees(FnDecl decl) {
        Set<FnDecl> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<FnDecl> path = new ArrayDeque<>();
        Deque<java.util.Iterator<FnDecl>> next = new ArrayDeque<>();
        seen.add(decl);
        path.push(decl);
        next.push(callees(decl).iterator());
        while (!path.isEmpty()) {
            java.util.Iterator<FnDecl> it = next.peek();
            if (it.hasNext()) {
                FnDecl c = it.next();
                if (seen.add(c) && !infos.containsKey(c) && !inProgress.contains(c) && owners.containsKey(c)) {
                    path.push(c);
                    next.push(callees(c).iterator());
                }
            } else {
                next.pop();
                FnDecl done = path.pop();
                if (done != decl) {
                    info(done, null);
                }
            }
        }
    }

    /** The user fns {@code fn} calls, in order of first appearance. */
    private List<FnDecl> callees(FnDecl fn) {
        java.util.LinkedHashSet<FnDecl> out = new java.util.LinkedHashSet<>();
        java.util.function.Consumer<Expr> walk = new java.util.function.Consumer<>() {
            @Override
            public void accept(Expr e) {
                switch (e) {
                    case Expr.Call c -> {
                        FnDecl f = callee(fn, c.callee().name());
                        if (f != null) {
                            out.add(f);
                        }
                        c.args().forEach(a -> accept(a.value()));
                    }
                    case Expr.Neg n -> accept(n.operand());
                    case Expr.Not n -> accept(n.operand());
                    case Expr.Binary b -> {
                        accept(b.left());
                        accept(b.right());
                    }
                    case Expr.Index ix -> {
                        accept(ix.target());
                        ix.items().forEach(item -> {
                            if (item instanceof Expr.Gather g) {
                                accept(g.index());
                            }
                        });
                    }
                    case Expr.ListLit l -> l.items().forEach(this);
                    default -> { }
                }
            }
        };
        fn.params().stream().filter(p -> p.defaultValue() != null).forEach(p -> walk.accept(p.defaultValue()));
        fn.body().stmts().forEach(st -> walk.accept(st.value()));
        walk.accept(fn.body().result());
        return List.copyOf(out);
    }

    /**
     * Enters the check of an expression nested one level deeper, counting through the fns its
     * calls check; false, after reporting E090 once, when that is more than {@link Limits#MAX_NESTING}.
     */
    boolean enter(Expr e) {
        if (nesting > Limits.MAX_NESTING) {
            diags.error(Code.E090, e.span(), "expressions nest more than " + Limits.MAX_NESTING
                    + " levels deep here, counting the bodies of the fns called around it", NESTING_HINT);
            return false;
        }
        nesting++;
        return true;
    }

    void exit() {
        nesting--;
    }

    static final String NESTING_HINT = "name parts with `let`; a long chain of fn calls can be fewer, larger fns";

    /** Measures {@code decl} once inlined, reporting E090 or E091 where a limit is first exceeded. */
    private void expansion(FnDecl decl) {
        Expansion e = Expansion.of(decl, name -> {
            FnDecl callee = callee(decl, name);
            return callee == null ? null : expansions.get(callee);
        });
        if (!e.overLimit() && e.tooLarge()) {
            diags.error(Code.E091, decl.name().span(), "`" + decl.name().name() + "` expands to more than "
                    + String.format(java.util.Locale.ROOT, "%,d", Limits.MAX_INLINED_OPERATIONS) + " operations once its calls are inlined",
                    "each call is inlined, so a fn that calls another twice doubles it; bind a shared value with `let` and pass it on");
        } else if (!e.overLimit() && e.tooDeep()) {
            diags.error(Code.E090, decl.name().span(), "`" + decl.name().name() + "` nests expressions more than "
                    + Limits.MAX_NESTING + " levels deep once its calls are inlined", NESTING_HINT);
        }
        expansions.put(decl, e.tooLarge() || e.tooDeep() ? new Expansion(e.operations(), e.depth(), true) : e);
    }

    // ---- scopes ---------------------------------------------------------------------------------

    private ModuleScope scope(LoadedModule module) {
        ModuleScope existing = scopes.get(module);
        if (existing != null) {
            return existing;
        }
        ModuleScope scope = new ModuleScope(module);
        scopes.put(module, scope);
        Map<String, SourceSpan> definedAt = new HashMap<>();
        for (Import imp : module.ast().imports()) {
            LoadedModule target = module.imported(imp);
            for (Import.Item item : imp.items()) {
                if (declare(item.local(), definedAt)) {
                    scope.define(item.local().name(), importItem(imp, target, item));
                }
            }
        }
        for (Decl d : module.ast().decls()) {
            if (declare(d.name(), definedAt) && d instanceof FnDecl f) {
                scope.define(f.name().name(), f);
                owners.put(f, scope);
            }
        }
        return scope;
    }

    /** Records a top-level name; reports E016/E015 and returns false when it may not be used. */
    private boolean declare(Ident name, Map<String, SourceSpan> definedAt) {
        if (Builtin.lookup(name.name()) != null) {
            diags.error(Code.E016, name.span(), "`" + name.name() + "` is a builtin function",
                    "choose another name (an import can be renamed with `as`)");
            return false;
        }
        SourceSpan previous = definedAt.putIfAbsent(name.name(), name.span());
        if (previous != null) {
            diags.error(Code.E015, name.span(), "`" + name.name() + "` is already defined at line " + previous.line());
            return false;
        }
        return true;
    }

    /** The fn an import item names, or {@code null} (poisoned) if it cannot be imported. */
    private FnDecl importItem(Import imp, LoadedModule target, Import.Item item) {
        if (target == null || target.ast() == null) {
            return null;
        }
        String name = item.name().name();
        List<Decl> decls = target.ast().decls();
        for (Decl d : decls) {
            if (d.name().name().equals(name)) {
                if (d instanceof FnDecl f) {
                    scope(target);
                    return f;
                }
                diags.error(Code.E013, item.name().span(), "`" + name + "` in module `" + imp.moduleName()
                        + "` is a " + (d instanceof SweepDecl ? "sweep" : "train block") + ", which cannot be imported");
                return null;
            }
        }
        List<String> names = decls.stream().filter(d -> d instanceof FnDecl).map(d -> d.name().name())
                .collect(Collectors.toList());
        diags.error(Code.E013, item.name().span(), "module `" + imp.moduleName() + "` has no fn or objective `"
                + name + "`", Suggest.didYouMean(name, names));
        return null;
    }
}
