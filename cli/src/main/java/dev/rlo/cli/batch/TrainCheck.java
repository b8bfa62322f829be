package dev.rlo.cli.batch;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Session;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Severity;
import dev.rlo.compiler.resolve.LoadedModule;
import dev.rlo.runtime.sweep.Plan;
import dev.rlo.runtime.train.Experiment;
import dev.rlo.runtime.train.TrainError;
import dev.rlo.runtime.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A file's check as {@code rlo check} and the Maven plugin do it: the checker's, and then, in a
 * file that checks, each {@code train} block and each configuration of each {@code sweep} block
 * built against its loop as {@code rlo train} and {@code rlo sweep} do before they run anything
 * (spec/train.md#arguments, spec/train.md#runs): the environment's, loop's, network's and
 * optimizer's arguments, which the runtime's readers declare, and the loop's contract with the
 * objective. A mismatch is a diagnostic at the value that caused it, without a code: the training
 * runtime, not the checker, finds it.
 */
public final class TrainCheck {

    private static final Experiment.Overrides AS_WRITTEN = new Experiment.Overrides(null, Map.of(), Map.of(), null, null);

    private TrainCheck() { }

    /** Checks {@code file} in {@code session}, its train blocks and its sweeps' configurations included. */
    public static LoadedModule check(Session session, Path file) {
        LoadedModule module = session.check(file);
        if (session.diagnostics().hasErrors() || module.ast() == null
                || module.ast().decls().stream().noneMatch(d -> d instanceof TrainDecl || d instanceof SweepDecl)) {
            return module;
        }
        Compiler compiler = Compiler.checked(session, module);
        Set<Diagnostic> problems = new LinkedHashSet<>();   // a sweep's configuration repeats its block's mistake
        for (TrainDecl block : compiler.trainDecls()) {
            try {
                Trainer.check(Experiment.of(compiler, block.name().name(), AS_WRITTEN));
            } catch (TrainError e) {
                problems.add(e.diagnostic());
            } catch (UserError e) {
                problems.add(new Diagnostic(Severity.ERROR, null, block.name().span(), e.getMessage(), null));
            }
        }
        for (SweepDecl sweep : compiler.sweepDecls()) {
            try {
                problems.addAll(Plan.of(compiler, sweep.name().name(), Plan.Changes.NONE).problems());
            } catch (UserError e) {
                problems.add(new Diagnostic(Severity.ERROR, null, sweep.name().span(), e.getMessage(), null));
            }
        }
        problems.forEach(session.diagnostics()::add);
        return module;
    }
}
