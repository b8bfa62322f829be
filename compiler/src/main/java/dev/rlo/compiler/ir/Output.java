package dev.rlo.compiler.ir;

/**
 * A graph's output (spec/ir.md#graphs), by kind: an objective's loss, a fn's result, a report by its
 * name, or the gradient with respect to an input by that input's name. Code asks for an output by
 * kind and name; its text ({@code loss}, {@code result}, {@code report:NAME}, {@code grad:INPUT}) is
 * only printed (IR dumps, plans, manifests, emitted modules), never parsed.
 */
public record Output(Kind kind, String name) {

    /** What an output is. */
    public enum Kind { LOSS, RESULT, REPORT, GRAD }

    /** An objective's loss. */
    public static final Output LOSS = new Output(Kind.LOSS, "loss");

    /** A fn's value, when it is compiled alone. */
    public static final Output RESULT = new Output(Kind.RESULT, "result");

    /** The report {@code name}. */
    public static Output report(String name) {
        return new Output(Kind.REPORT, name);
    }

    /** The gradient of the loss with respect to the input {@code input}. */
    public static Output grad(String input) {
        return new Output(Kind.GRAD, input);
    }

    /** {@code loss}, {@code result}, {@code report:NAME} or {@code grad:INPUT}. */
    @Override
    public String toString() {
        return switch (kind) {
            case LOSS, RESULT -> name;
            case REPORT -> "report:" + name;
            case GRAD -> "grad:" + name;
        };
    }

    /** As IR dumps and plans print it: {@code report NAME}, {@code grad INPUT}. */
    public String label() {
        return toString().replace(':', ' ');
    }
}
