package dev.rlo.stdlib;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ast.TypeExpr;
import dev.rlo.compiler.backend.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code rlo gradcheck} on the whole standard library, in f64 against central differences (error ≤
 * 1e-6), on every backend ({@link Backends}): every objective as it is, and every fn through a wrapper objective that differentiates
 * all of its float inputs and contracts its result with random weights.
 */
class StdlibGradcheckTest {

    static final double TOLERANCE = 1e-6;

    @TestFactory
    Stream<DynamicTest> everyObjectiveAndFnPassesGradcheck() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(StdlibDocTest.STD)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".rlo")).sorted().toList()) {
                String module = "std." + StdlibDocTest.STD.relativize(file).toString().replace(".rlo", "").replace('/', '.');
                Compiler c = Compiler.load(file, List.of());
                for (Backend backend : BACKENDS) {
                    String on = " on " + backend.name();
                    for (Decl d : c.objectiveDecls()) {
                        tests.add(DynamicTest.dynamicTest(module + "." + d.name().name() + on, () -> check(c, d.name().name(), backend)));
                    }
                    for (Decl d : c.fnDecls()) {
                        FnDecl fn = (FnDecl) d;
                        tests.add(DynamicTest.dynamicTest(module + "." + fn.name().name() + on, () -> checkFn(module, fn, c, backend)));
                    }
                }
            }
        }
        return tests.stream();
    }

    /** One corpus, several configurations: every check runs on every backend ({@link Backends}). */
    static final List<Backend> BACKENDS = Backends.ALL;

    private static void check(Compiler c, String objective, Backend backend) {
        Gradcheck.Report r = Gradcheck.run(c, objective, Map.of(),
                new Gradcheck.Options(Map.of(), 5, TOLERANCE, 48, Map.of()), backend);
        assertTrue(r.passed(), () -> objective + ": " + r);
    }

    /**
     * A wrapper objective: the fn's inputs that its result depends on differentiably marked grad
     * (an input it stops, like a target, would disagree with finite differences by design), its
     * result weighted by an input w.
     */
    private static void checkFn(String module, FnDecl fn, Compiler owner, Backend backend) {
        java.util.Set<String> differentiable = ((dev.rlo.compiler.check.Typed.Value) owner.info(fn).result()).deps();
        List<String> params = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Param p : fn.params()) {
            if (p.isHyper()) {
                continue;
            }
            TypeExpr t = p.type();
            params.add(p.name().name() + ": " + t + (differentiable.contains(p.name().name()) ? " grad" : ""));
            args.add(p.name().name());
        }
        String result = fn.returnType() == null ? "f32" : fn.returnType().toString();
        String src = "import " + module + ".{" + fn.name().name() + "}\n"
                + "objective wrapped(" + String.join(", ", params) + ", w: " + result + ") {\n"
                + "  sum(" + fn.name().name() + "(" + String.join(", ", args) + ") * w)\n}\n";
        Compiler c = Compiler.fromSource("wrapped_" + fn.name().name() + ".rlo", src, null, List.of());
        check(c, "wrapped", backend);
    }

}
