package dev.rlo.compiler.diag;

import dev.rlo.compiler.source.SourceSpan;

/**
 * One problem found in rlo source: what ({@link Code}, message), where ({@link SourceSpan}) and,
 * where one helps, a hint ("did you mean `over: K`?"). Rendered only by {@link Diagnostics}.
 *
 * @param code the code, or {@code null} for a problem found at run time rather than by the checker
 * @param hint a suggestion, or {@code null}
 */
public record Diagnostic(Severity severity, Code code, SourceSpan span, String message, String hint) {

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
