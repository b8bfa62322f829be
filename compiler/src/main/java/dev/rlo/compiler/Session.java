package dev.rlo.compiler;

import dev.rlo.compiler.check.Checker;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.resolve.ModuleLoader;
import dev.rlo.compiler.resolve.SourceRoot;
import java.nio.file.Path;
import java.util.List;

/**
 * The compiler's front door for one run: loads files and their imports ({@link ModuleLoader}) and
 * checks them ({@link Checker}), collecting every {@link dev.rlo.compiler.diag.Diagnostic}. Modules
 * shared by several files (the stdlib) are loaded and checked once per session.
 */
public final class Session {

    private final Diagnostics diagnostics = new Diagnostics();
    private final ModuleLoader loader;
    private final Checker checker = new Checker(diagnostics);

    /** A session whose imports search {@code libraryPath} and the default stdlib. */
    public Session(List<Path> libraryPath) {
        this(libraryPath, ModuleLoader.defaultStdlib());
    }

    public Session(List<Path> libraryPath, SourceRoot stdlib) {
        this.loader = new ModuleLoader(libraryPath, stdlib, diagnostics);
    }

    /** Parses, resolves and checks the file at {@code path} and everything it imports. */
    public LoadedModule check(Path path) {
        return checkLoaded(loader.load(path));
    }

    /** Like {@link #check(Path)} for source that is not in a file; imports resolve against {@code dir}. */
    public LoadedModule check(SourceRoot.Loaded source, Path dir) {
        return checkLoaded(loader.load(source, dir));
    }

    private LoadedModule checkLoaded(LoadedModule module) {
        for (LoadedModule m : loader.modules()) {
            checker.check(m);
        }
        return module;
    }

    /** Every module this session loaded: the files checked and everything they import. */
    public List<LoadedModule> modules() {
        return loader.modules();
    }

    /** Files imports looked for and did not find ({@link ModuleLoader#misses}). */
    public List<Path> misses() {
        return loader.misses();
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    public Checker checker() {
        return checker;
    }
}
