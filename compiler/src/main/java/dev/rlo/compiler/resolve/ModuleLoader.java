package dev.rlo.compiler.resolve;

import dev.rlo.compiler.ast.Import;
import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.parse.SourceParser;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The resolve phase's entry point: loads modules and, depth first, everything they import, each
 * file once (spec/modules.md). {@code import std.x.{…}} looks in the standard library only; any other
 * module {@code a.b} is {@code a/b.rlo} in the importing file's directory, then in each
 * {@code --path} directory, in order. Reports missing modules (E012) and import cycles (E014).
 */
public final class ModuleLoader {

    private final List<SourceRoot> libraryPath;
    private final SourceRoot stdlib;
    private final Diagnostics diags;
    private final Map<String, LoadedModule> loaded = new LinkedHashMap<>();
    private final Deque<LoadedModule> loading = new ArrayDeque<>();

    public ModuleLoader(List<Path> libraryPath, SourceRoot stdlib, Diagnostics diags) {
        this.libraryPath = libraryPath.stream().<SourceRoot>map(SourceRoot.Directory::new).toList();
        this.stdlib = stdlib;
        this.diags = diags;
    }

    /**
     * The standard library's root: the directory named by the {@code rlo.stdlib} system property
     * (a checkout's {@code stdlib/}, set by the launcher), else the stdlib jar on the class path.
     */
    public static SourceRoot defaultStdlib() {
        String dir = System.getProperty("rlo.stdlib");
        return dir != null ? new SourceRoot.Directory(Path.of(dir)) : new SourceRoot.Classpath(ModuleLoader.class.getClassLoader());
    }

    private final java.util.Set<Path> misses = new java.util.LinkedHashSet<>();

    /** Loads the file at {@code path} and its imports. */
    public LoadedModule load(Path path) {
        Path dir = path.getParent() != null ? path.getParent() : Path.of("");
        return load(SourceRoot.Directory.read(path), dir);
    }

    /** Loads an already-read source (e.g. a REPL input) and its imports, resolving against {@code dir}. */
    public LoadedModule load(SourceRoot.Loaded source, Path dir) {
        LoadedModule done = loaded.get(source.key());
        if (done != null) {
            return done;
        }
        Module ast = SourceParser.parse(source.file(), diags, source.repl());
        LoadedModule module = new LoadedModule(source.key(), source.file(), ast);
        loaded.put(source.key(), module);
        if (ast != null) {
            loading.push(module);
            for (Import imp : ast.imports()) {
                module.resolved(imp, resolve(imp, dir));
            }
            loading.pop();
        }
        return module;
    }

    /**
     * The files an import looked for before the one it found (or in vain): if one of them appears,
     * the import would resolve differently — what a cache of results must watch besides the modules.
     */
    public List<Path> misses() {
        return List.copyOf(misses);
    }

    /** Every module loaded so far, in load order. */
    public List<LoadedModule> modules() {
        return List.copyOf(loaded.values());
    }

    private LoadedModule resolve(Import imp, Path fromDir) {
        String relative = String.join("/", imp.path().stream().map(i -> i.name()).toList()) + ".rlo";
        List<SourceRoot> roots = new ArrayList<>();
        if (imp.path().getFirst().name().equals("std")) {
            roots.add(stdlib);
        } else {
            if (fromDir != null) {
                roots.add(new SourceRoot.Directory(fromDir));
            }
            roots.addAll(libraryPath);
        }
        for (SourceRoot root : roots) {
            SourceRoot.Loaded found = root.find(relative);
            if (found == null) {
                if (root instanceof SourceRoot.Directory d) {
                    misses.add(d.dir().resolve(relative).toAbsolutePath().normalize());
                }
                continue;
            }
            LoadedModule inProgress = loading.stream().filter(m -> m.key().equals(found.key())).findFirst().orElse(null);
            if (inProgress != null) {
                diags.error(Code.E014, imp.pathSpan(), "import cycle: " + cycle(inProgress, imp.moduleName()),
                        "move what both modules need into a third module that imports neither");
                return null;
            }
            Path dir = root instanceof SourceRoot.Directory d ? d.dir().resolve(relative).getParent() : null;
            return load(found, dir);
        }
        String looked = roots.stream().map(r -> r == stdlib ? "the standard library" : r.describe())
                .collect(Collectors.joining(", "));
        diags.error(Code.E012, imp.pathSpan(), "module `" + imp.moduleName() + "` not found; looked for "
                + relative + " in " + looked,
                imp.path().getFirst().name().equals("std") || !libraryPath.isEmpty() ? null
                        : "add the directory that holds it with --path DIR");
        return null;
    }

    /** {@code a.rlo → b → a}: the import chain from {@code start} back to it. */
    private String cycle(LoadedModule start, String closingName) {
        List<String> chain = new ArrayList<>();
        List<LoadedModule> stack = new ArrayList<>(loading);
        java.util.Collections.reverse(stack);
        for (LoadedModule m : stack.subList(stack.indexOf(start), stack.size())) {
            chain.add(m.file().path());
        }
        chain.add(closingName);
        return String.join(" → ", chain);
    }
}
