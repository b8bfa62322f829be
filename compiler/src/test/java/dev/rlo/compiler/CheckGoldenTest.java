package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.check.TypesListing;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.parse.SourceParser;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.compiler.source.SourceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The checker's goldens. {@code golden/check/ok/Name.rlo} must check cleanly, and {@code Name.out}
 * holds its types listing ({@code rlo check --types}). {@code golden/check/bad/Name.rlo} must fail,
 * and {@code Name.out} holds the exact diagnostics: code, line, column, message, caret and hint.
 * {@code grammar/src/test/examples/bad/Name.rlo.errors} holds the syntax errors of the grammar's
 * bad examples, rendered the same way, and {@code Name.repl.errors} those of its bad REPL inputs. {@code golden/check/warn/Name.rlo} checks with warnings only.
 */
class CheckGoldenTest {

    static final Path OK = Path.of("src/test/golden/check/ok");
    static final Path BAD = Path.of("src/test/golden/check/bad");
    static final Path SYNTAX_BAD = Path.of("../grammar/src/test/examples/bad");
    static final Path WARN = Path.of("src/test/golden/check/warn");

    @TestFactory
    Stream<DynamicTest> okProgramsCheckToTheirTypes() {
        return Goldens.suite(OK, ".out", file -> {
            Session session = new Session(List.of());
            LoadedModule module = session.check(Goldens.load(file), file.toAbsolutePath().getParent());
            assertFalse(session.diagnostics().hasErrors(), () -> file + " should check:\n" + session.diagnostics().toText());
            return TypesListing.render(module, session.checker());
        });
    }

    @TestFactory
    Stream<DynamicTest> badProgramsReportTheirErrors() {
        return Goldens.suite(BAD, ".out", CheckGoldenTest::errors);
    }

    /** {@code golden/check/warn/Name.rlo} must check with warnings and no error; {@code Name.out} holds them. */
    @TestFactory
    Stream<DynamicTest> suspiciousProgramsWarn() {
        return Goldens.suite(WARN, ".out", file -> {
            Session session = new Session(List.of());
            session.check(Goldens.load(file), file.toAbsolutePath().getParent());
            assertFalse(session.diagnostics().hasErrors(), () -> file + " should have no errors:\n" + session.diagnostics().toText());
            assertTrue(session.diagnostics().sorted().size() > 0, () -> file + " should have warnings");
            return session.diagnostics().toText();
        });
    }

    @TestFactory
    Stream<DynamicTest> syntaxErrorsAreReported() {
        return Goldens.suite(SYNTAX_BAD, ".rlo.errors", CheckGoldenTest::errors);
    }

    /** {@code bad/Name.repl}, one REPL input, has syntax errors in REPL mode; {@code Name.repl.errors} holds them. */
    @TestFactory
    Stream<DynamicTest> replSyntaxErrorsAreReported() {
        return Goldens.suite(SYNTAX_BAD, ".repl", ".repl.errors", file -> {
            Diagnostics diags = new Diagnostics();
            SourceParser.parseRepl(new SourceFile(file.getFileName().toString(), Goldens.load(file).file().text().strip()), diags);
            assertTrue(diags.hasErrors(), () -> file + " should have errors");
            return diags.toText();
        });
    }

    static String errors(Path file) {
        Session session = new Session(List.of());
        session.check(Goldens.load(file), file.toAbsolutePath().getParent());
        assertTrue(session.diagnostics().hasErrors(), () -> file + " should have errors");
        return session.diagnostics().toText();
    }
}
