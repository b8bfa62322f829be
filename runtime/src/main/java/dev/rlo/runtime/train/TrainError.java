package dev.rlo.runtime.train;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.diag.Severity;
import dev.rlo.compiler.source.SourceSpan;

/**
 * A train block that cannot run, found before training starts: an unknown environment or argument,
 * an objective input no loop provides, an action space the objective does not fit. Rendered like a
 * checker diagnostic, at the offending value of the train block.
 */
public final class TrainError extends UserError {

    private final transient Diagnostic diagnostic;

    public TrainError(SourceSpan span, String message, String hint) {
        super(span + ": " + message);
        this.diagnostic = new Diagnostic(Severity.ERROR, null, span, message, hint);
    }

    public TrainError(SourceSpan span, String message) {
        this(span, message, null);
    }

    /** The problem as a diagnostic (without a code: the runtime, not the checker, found it). */
    public Diagnostic diagnostic() {
        return diagnostic;
    }

    /** {@code file:line:col: error: message}, the source line with carets, and the hint. */
    public String render() {
        return Diagnostics.render(diagnostic);
    }
}
