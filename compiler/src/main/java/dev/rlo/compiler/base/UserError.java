package dev.rlo.compiler.base;

/**
 * A mistake in what the user gave rlo at run time — a missing input, a wrong named shape, a
 * non-finite value, an unknown hyper-parameter — as opposed to a bug in rlo. Its message is one
 * line, names the offending input or value, and says what was expected; the CLI prints it and exits 1.
 */
public class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }
}
