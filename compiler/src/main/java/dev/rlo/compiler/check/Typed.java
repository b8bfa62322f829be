package dev.rlo.compiler.check;

import dev.rlo.compiler.types.TensorType;
import java.util.Set;

/**
 * What the checker learns about an expression: a {@link Value}, or {@link #POISON} when an error was
 * already reported inside it. Anything computed from poison is poison, and no further errors are
 * reported about it, so one mistake gives one diagnostic.
 */
public sealed interface Typed {

    Typed POISON = new Poison();

    /**
     * A well-typed value.
     *
     * @param deps the parameters of the enclosing fn or objective that this value depends on
     *             differentiably, i.e. not only through {@code stopgrad}, comparisons or indices
     *             (spec/types-and-shapes.md#gradients)
     */
    record Value(TensorType type, Set<String> deps) implements Typed {

        public Value {
            deps = Set.copyOf(deps);
        }

        public static Value constant(TensorType type) {
            return new Value(type, Set.of());
        }
    }

    /** The type of an expression whose error has been reported. */
    record Poison() implements Typed { }
}
