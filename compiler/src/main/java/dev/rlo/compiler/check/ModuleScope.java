package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.resolve.LoadedModule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level names a module sees: its own fns and objectives and the ones it imports
 * (spec/modules.md#names). A name whose import failed is <em>poisoned</em>: uses of it report nothing
 * more, since the failed import already did.
 */
final class ModuleScope {

    private final LoadedModule module;
    private final Map<String, FnDecl> callables = new LinkedHashMap<>();
    private final Set<String> used = new java.util.HashSet<>();

    ModuleScope(LoadedModule module) {
        this.module = module;
    }

    LoadedModule module() {
        return module;
    }

    void define(String name, FnDecl decl) {
        callables.put(name, decl);
    }

    boolean defines(String name) {
        return callables.containsKey(name);
    }

    /** The fn or objective called {@code name}, or {@code null} if unknown or poisoned. */
    FnDecl lookup(String name) {
        return callables.get(name);
    }

    /** Records that a body or train block referred to {@code name} (for W001, unused imports). */
    void use(String name) {
        used.add(name);
    }

    boolean used(String name) {
        return used.contains(name);
    }

    boolean isPoisoned(String name) {
        return callables.containsKey(name) && callables.get(name) == null;
    }

    Set<String> names() {
        return callables.keySet();
    }
}
