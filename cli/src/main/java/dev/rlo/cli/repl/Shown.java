package dev.rlo.cli.repl;

import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.diag.Severity;
import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** Errors of an input, rendered against what the user typed: the session shows them and goes on. */
final class Shown extends RuntimeException {

    final String text;

    Shown(String text) {
        super(null, null, false, false);
        this.text = text;
    }

    /** One error at {@code span} of an input (no code: a REPL value that cannot be made), with a hint or null. */
    static Shown at(SourceSpan span, String message, String hint) {
        return new Shown(Diagnostics.render(new Diagnostic(Severity.ERROR, null, span, message, hint)));
    }

    /** The errors of {@code all}, rendered one after another. */
    static Shown of(Diagnostics all) {
        List<String> errors = all.sorted().stream().filter(Diagnostic::isError).map(Diagnostics::render).toList();
        return new Shown(String.join("\n", errors));
    }
}
