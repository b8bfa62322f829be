package dev.rlo.cli.batch;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Session;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Severity;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.runtime.sweep.Plan;
import java.nio.file.Path;

/**
 * A file's check as {@code rlo check} and the Maven plugin do it: the checker's, and then, in a
 * file that checks, each {@code sweep} block expanded and every configuration checked against its
 * loop, as {@code rlo sweep} does before it runs anything (spec/train.md#runs). A mismatch is a
 * diagnostic at the swept value, without a code: the training runtime, not the checker, finds it.
 */
public final class SweepCheck {

    private SweepCheck() { }

    /** Checks {@code file} in {@code session}, its sweeps' configurations included. */
    public static LoadedModule check(Session session, Path file) {
        LoadedModule module = session.check(file);
        if (session.diagnostics().hasErrors() || module.ast() == null
                || module.ast().decls().stream().noneMatch(d -> d instanceof SweepDecl)) {
            return module;
        }
        Compiler compiler = Compiler.checked(session, module);
        for (SweepDecl sweep : compiler.sweepDecls()) {
            try {
                Plan.of(compiler, sweep.name().name(), Plan.Changes.NONE).problems().forEach(session.diagnostics()::add);
            } catch (UserError e) {
                session.diagnostics().add(new Diagnostic(Severity.ERROR, null, sweep.name().span(), e.getMessage(), null));
            }
        }
        return module;
    }
}
