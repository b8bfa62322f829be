package dev.rlo.compiler.diag;

import dev.rlo.compiler.source.SourceSpan;
import java.util.ArrayList;
import dev.rlo.compiler.io.Json;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects {@link Diagnostic}s and is the only place they are rendered, as text for people and as
 * JSON records for tools. The text form is
 * <pre>
 * file:line:col: error[E040]: `reward` has no dimension `G`; it has [B, K]
 *   |
 * 3 |   let base = mean(reward, over: G)
 *   |                                 ^
 *   = hint: did you mean `over: K`?
 * </pre>
 */
public final class Diagnostics {

    private static final Comparator<Diagnostic> ORDER = Comparator
            .comparing((Diagnostic d) -> d.span().file().path())
            .thenComparingInt(d -> d.span().start())
            .thenComparing(Diagnostic::code);

    private final List<Diagnostic> list = new ArrayList<>();
    private long errors;

    public void error(Code code, SourceSpan span, String message) {
        add(new Diagnostic(Severity.ERROR, code, span, message, null));
    }

    public void error(Code code, SourceSpan span, String message, String hint) {
        add(new Diagnostic(Severity.ERROR, code, span, message, hint));
    }

    /** A warning: legal code that is probably a mistake; {@code rlo check --werror} fails on it. */
    public void warning(Code code, SourceSpan span, String message, String hint) {
        add(new Diagnostic(Severity.WARNING, code, span, message, hint));
    }

    public void add(Diagnostic d) {
        list.add(d);
        errors += d.isError() ? 1 : 0;
    }

    public void addAll(Diagnostics other) {
        other.list.forEach(this::add);
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public long errorCount() {
        return errors;
    }

    /** All diagnostics, ordered by file, position and code. */
    public List<Diagnostic> sorted() {
        return list.stream().sorted(ORDER).toList();
    }

    // ---- text -----------------------------------------------------------------------------------

    /** Renders all diagnostics as text, each followed by a blank line. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : sorted()) {
            out.append(render(d)).append('\n');
        }
        return out.toString();
    }

    /**
     * The text form of one diagnostic: the header line, the source line with carets, the hint;
     * control characters shown as {@link #printable} symbols, never sent to the terminal.
     */
    public static String render(Diagnostic d) {
        SourceSpan span = d.span();
        int line = span.line();
        String source = span.file().lineText(line);
        int from = span.column() - 1;
        int to = span.endLine() == line ? span.endColumn() - 1 : source.codePointCount(0, source.length());
        String gutter = " ".repeat(String.valueOf(line).length() + 1);

        StringBuilder out = new StringBuilder();
        out.append(header(d)).append('\n');
        out.append(gutter).append("|\n");
        out.append(line).append(" | ").append(source).append('\n');
        out.append(gutter).append("| ").append(caretLine(source, from, to)).append('\n');
        if (d.hint() != null) {
            out.append(gutter).append("= hint: ").append(d.hint()).append('\n');
        }
        return printable(out.toString());
    }

    /**
     * {@code text} safe to print on a terminal: each control character but tab and line feed
     * (C0, DEL, C1: the start of escape sequences) replaced by one symbol, so columns still line
     * up: U+241B ␛ for ESC, and so on; U+FFFD for C1.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char shown = c < 0x20 && c != '\t' && c != '\n' ? (char) (0x2400 + c) : c == 0x7f ? '\u2421'
                    : c >= 0x80 && c < 0xa0 ? '\ufffd' : c;
            if (shown != c && out == null) {
                out = new StringBuilder(text.substring(0, i));
            }
            if (out != null) {
                out.append(shown);
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@code file:line:col: error[E040]: message}, the first line of {@link #render} (no code: {@code error: message}). */
    public static String header(Diagnostic d) {
        SourceSpan s = d.span();
        return s.file().path() + ":" + s.line() + ":" + s.column() + ": "
                + d.severity().label() + (d.code() == null ? "" : "[" + d.code() + "]") + ": " + d.message();
    }

    /** Spaces (tabs kept, so carets line up) up to column {@code from}, then at least one caret; columns count code points. */
    private static String caretLine(String source, int from, int to) {
        StringBuilder carets = new StringBuilder();
        int[] points = source.codePoints().toArray();
        for (int i = 0; i < from; i++) {
            carets.append(i < points.length && points[i] == '\t' ? '\t' : ' ');
        }
        return carets.append("^".repeat(Math.max(1, to - from))).toString();
    }

    // ---- JSON -----------------------------------------------------------------------------------

    /** Renders all diagnostics as a JSON array of records with the same content as the text form. */
    public String toJson() {
        StringBuilder out = new StringBuilder("[");
        String sep = "\n  ";
        for (Diagnostic d : sorted()) {
            out.append(sep).append(json(d));
            sep = ",\n  ";
        }
        return out.append(list.isEmpty() ? "]" : "\n]").toString();
    }

    private static String json(Diagnostic d) {
        SourceSpan s = d.span();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("file", s.file().path());
        record.put("line", s.line());
        record.put("column", s.column());
        record.put("endLine", s.endLine());
        record.put("endColumn", s.endColumn());
        record.put("severity", d.severity().label());
        record.put("code", d.code().name());
        record.put("message", d.message());
        record.put("hint", d.hint());
        return Json.write(record);
    }
}
