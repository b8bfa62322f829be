package dev.rlo.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import org.junit.jupiter.api.Test;

/** The rendering of diagnostics, on hand-written spans (expected texts written out by hand). */
class DiagnosticsTest {

    static final SourceFile FILE = new SourceFile("a.rlo", "fn f() {\n\tlet x = y\n  x\n}\n");

    @Test
    void caretsLineUpUnderTabs() {
        int at = FILE.text().indexOf('y');
        Diagnostic d = new Diagnostic(Severity.ERROR, Code.E010, new SourceSpan(FILE, at, at + 1), "unknown name `y`", "did you mean `x`?");
        assertEquals("""
                a.rlo:2:10: error[E010]: unknown name `y`
                  |
                2 | \tlet x = y
                  | \t        ^
                  = hint: did you mean `x`?
                """, Diagnostics.render(d));
    }

    @Test
    void aSpanOverSeveralLinesIsUnderlinedToTheEndOfItsFirstLine() {
        int at = FILE.text().indexOf("let");
        int end = FILE.text().indexOf("x\n}");
        Diagnostic d = new Diagnostic(Severity.ERROR, Code.E001, new SourceSpan(FILE, at, end), "m", null);
        assertEquals("  | \t^^^^^^^^^", Diagnostics.render(d).lines().toList().get(3));
    }

    @Test
    void anEmptySpanAtTheEndOfTheFileGetsOneCaret() {
        int end = FILE.text().length();
        Diagnostic d = new Diagnostic(Severity.ERROR, Code.E001, new SourceSpan(FILE, end, end), "unexpected end of file", null);
        assertEquals("a.rlo:5:1: error[E001]: unexpected end of file", Diagnostics.header(d));
        assertEquals("  | ^", Diagnostics.render(d).lines().toList().get(3));
    }

    @Test
    void jsonRecordsEscapeTheirStrings() {
        Diagnostics diags = new Diagnostics();
        int at = FILE.text().indexOf('y');
        diags.error(Code.E010, new SourceSpan(FILE, at, at + 1), "a \"quoted\"\tname\\", null);
        assertEquals("""
                [
                  {"file": "a.rlo", "line": 2, "column": 10, "endLine": 2, "endColumn": 11, "severity": "error", \
                "code": "E010", "message": "a \\"quoted\\"\\tname\\\\", "hint": null}
                ]""", diags.toJson());
        assertEquals("[]", new Diagnostics().toJson());
    }
}
