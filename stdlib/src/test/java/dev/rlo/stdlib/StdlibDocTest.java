package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.resolve.LoadedModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The standard library checks cleanly, and every fn and objective in it carries the style guide's
 * header (Paper, Shapes, Args, Returns) and a row in spec/stdlib.md — rlax's coverage check, for rlo.
 */
class StdlibDocTest {

    static final Path STD = Path.of("std");
    static final List<String> HEADER = List.of("Paper:", "Shapes:", "Args:", "Returns:");

    @Test
    void everyModuleChecksAndEveryDefinitionIsDocumented() throws IOException {
        String table = Files.readString(Path.of("../spec/stdlib.md"));
        Session session = new Session(List.of());
        List<String> problems = new ArrayList<>();
        int definitions = 0;
        for (Path file : modules()) {
            LoadedModule module = session.check(file);
            String name = "std." + STD.relativize(file).toString().replace(".rlo", "").replace('/', '.');
            for (Decl d : module.ast().decls()) {
                if (!(d instanceof FnDecl f)) {
                    continue;
                }
                definitions++;
                String doc = f.doc() == null ? "" : f.doc().text();
                for (String field : HEADER) {
                    if (!doc.contains(field)) {
                        problems.add(name + "." + f.name().name() + " lacks `" + field + "` in its header");
                    }
                }
                if (!table.contains("| `" + name + "` | `" + f.name().name() + "` |")) {
                    problems.add(name + "." + f.name().name() + " has no row in spec/stdlib.md");
                }
            }
        }
        assertEquals("", session.diagnostics().toText(), "the stdlib must check cleanly");
        assertEquals(List.of(), problems);
        assertTrue(definitions >= 6, "expected the stdlib's definitions, found " + definitions);
    }

    private static List<Path> modules() throws IOException {
        try (Stream<Path> s = Files.walk(STD)) {
            return s.filter(p -> p.toString().endsWith(".rlo")).sorted().toList();
        }
    }
}
