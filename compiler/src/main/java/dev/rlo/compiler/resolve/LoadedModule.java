package dev.rlo.compiler.resolve;

import dev.rlo.compiler.ast.Import;
import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.source.SourceFile;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A module as the loader found it: its source, its AST ({@code null} when it has syntax errors) and
 * the modules its imports resolved to.
 */
public final class LoadedModule {

    private final String key;
    private final SourceFile file;
    private final Module ast;
    private final Map<Import, LoadedModule> imports = new IdentityHashMap<>();

    LoadedModule(String key, SourceFile file, Module ast) {
        this.key = key;
        this.file = file;
        this.ast = ast;
    }

    public String key() {
        return key;
    }

    public SourceFile file() {
        return file;
    }

    /** The AST, or {@code null} when the file has syntax errors. */
    public Module ast() {
        return ast;
    }

    /** The module {@code imp} resolved to, or {@code null} when it was not found or is in a cycle. */
    public LoadedModule imported(Import imp) {
        return imports.get(imp);
    }

    void resolved(Import imp, LoadedModule target) {
        imports.put(imp, target);
    }
}
