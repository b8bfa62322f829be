package dev.rlo.cli.batch;

import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceSpan;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One diagnostic as batch checking keeps it (and its cache stores it): where, how bad, which code,
 * the message and hint, and the text {@code rlo check} prints for it (with the source line and
 * carets, so a cached file need not be read again).
 */
public record Finding(String file, int line, int column, int endLine, int endColumn, String severity, String code, String title,
                      String message, String hint, String text) {

    static Finding of(Diagnostic d) {
        SourceSpan s = d.span();
        return new Finding(s.file().path(), s.line(), s.column(), s.endLine(), s.endColumn(), d.severity().label(),
                d.code() == null ? null : d.code().name(), d.code() == null ? null : d.code().title(), d.message(), d.hint(),
                Diagnostics.render(d));
    }

    public boolean isError() {
        return severity.equals("error");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("line", line);
        m.put("column", column);
        m.put("endLine", endLine);
        m.put("endColumn", endColumn);
        m.put("severity", severity);
        m.put("code", code);
        m.put("message", message);
        m.put("hint", hint);
        return m;
    }

    Map<String, Object> toCache() {
        Map<String, Object> m = toJson();
        m.put("title", title);
        m.put("text", text);
        return m;
    }

    /** A finding from a cache entry; its texts, which anyone who can write the cache could have written, shown printable. */
    static Finding fromCache(Map<?, ?> m) {
        return new Finding(shown(m, "file"), num(m, "line"), num(m, "column"), num(m, "endLine"), num(m, "endColumn"),
                shown(m, "severity"), shown(m, "code"), shown(m, "title"), shown(m, "message"), shown(m, "hint"), shown(m, "text"));
    }

    private static String shown(Map<?, ?> m, String key) {
        return m.get(key) == null ? null : Diagnostics.printable((String) m.get(key));
    }

    private static int num(Map<?, ?> m, String key) {
        return ((Double) m.get(key)).intValue();
    }
}
