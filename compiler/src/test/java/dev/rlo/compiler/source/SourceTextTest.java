package dev.rlo.compiler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.resolve.SourceRoot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Source text as rlo reads it (spec/syntax.md#files), on the hardening cases F3–F6 and F10: columns
 * count code points, a byte-order mark is ignored, bytes that are not UTF-8 are one located error,
 * a lone CR ends a line, and control characters never reach the terminal. Expected positions are
 * counted by hand in each case.
 */
class SourceTextTest {

    static List<Diagnostic> check(byte[] bytes) {
        Session s = new Session(List.of());
        s.check(new SourceRoot.Loaded("t", SourceFile.decode("t.rlo", bytes)), null);
        return s.diagnostics().sorted();
    }

    static List<Diagnostic> check(String text) {
        return check(text.getBytes(StandardCharsets.UTF_8));
    }

    /** F3: 40 × 𝔼 (outside the BMP: two chars each) in a comment leave the error at 3:8, not 1:82. */
    @Test
    void charactersOutsideTheBmpDoNotShiftLaterPositions() {
        String text = "// " + "\uD835\uDD3C".repeat(40) + "\nobjective o(x: f32[B] grad) {\n  mean(zz)\n}\n";
        Diagnostic d = check(text).getFirst();
        assertEquals("t.rlo:3:8: error[E010]: unknown name `zz`", Diagnostics.header(d));
        assertEquals("  |        ^^", Diagnostics.render(d).lines().toList().get(3));
    }

    /** F3: three emoji on the line above do not move an error; on its own line, each is one column. */
    @Test
    void columnsCountCodePoints() {
        String emoji = "\uD83D\uDE00".repeat(3);
        List<Diagnostic> above = check("fn f(a: f32, b: f32) -> f32 {\n  // " + emoji + "\n  a + a @ b\n}\n");
        /* "  a + a " is 8 characters: `@` at column 9 of line 3 */
        assertEquals("t.rlo:3:9: error[E002]: unexpected character `@`", Diagnostics.header(above.getFirst()));
        /* three emoji (six chars) then `@`: char offset 6 is column 4; the caret line has three columns before its caret */
        SourceFile line = new SourceFile("e.rlo", emoji + "@");
        assertEquals(4, line.column(6));
        Diagnostic at = new Diagnostic(dev.rlo.compiler.diag.Severity.ERROR, Code.E002, new SourceSpan(line, 6, 7), "m", null);
        assertEquals("  |    ^", Diagnostics.render(at).lines().toList().get(3));
        assertEquals(6, line.offset(3), "ANTLR's code point 3 is char 6");
    }

    /** F4: a file saved with a UTF-8 byte-order mark checks as without it. */
    @Test
    void aByteOrderMarkIsIgnored() {
        byte[] body = "objective o(x: f32[B] grad) { mean(x) }\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertEquals(List.of(), check(withBom));
    }

    /** F5: a byte that is not UTF-8 is E006 at its line and column, and the file is not parsed further. */
    @Test
    void bytesThatAreNotUtf8AreLocated() {
        byte[] text = "objective o(x: f32[B] grad) { mean(x) } // \u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        List<Diagnostic> d = check(text);
        assertEquals(1, d.size());
        /* 43 ASCII characters precede the byte 0xFF */
        assertEquals("t.rlo:1:44: error[E006]: this file is not UTF-8 text: the bytes here are not UTF-8", Diagnostics.header(d.getFirst()));
    }

    /** F6: escape sequences in the source are shown as symbols (␛ for ESC, ␇ for BEL), never sent raw. */
    @Test
    void controlCharactersAreShownAsSymbols() {
        String text = "objective o(x: f32[B] grad) {\n  mean(x) + q \u001b[2J\u001b]0;pwned\u0007\n}\n";
        String rendered = check(text).stream().map(Diagnostics::render).reduce("", String::concat);
        assertFalse(rendered.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t'), rendered);
        assertTrue(rendered.contains("q \u241b[2J\u241b]0;pwned\u2407"), rendered);
        assertEquals("\u241b \u2421 \ufffd tab\tand\nline", Diagnostics.printable("\u001b \u007f \u009b tab\tand\nline"));
    }

    /** F10: a file whose lines end in a lone CR has lines: the error is at 2:8, and the excerpt is that line. */
    @Test
    void aLoneCarriageReturnEndsALine() {
        Diagnostic d = check("objective o(x: f32[B] grad) {\r  mean(z)\r}\r").getFirst();
        assertEquals("t.rlo:2:8: error[E010]: unknown name `z`", Diagnostics.header(d));
        assertEquals("2 |   mean(z)", Diagnostics.render(d).lines().toList().get(2));
        assertEquals(Code.E010, d.code());
    }
}
