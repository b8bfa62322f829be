package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Test;

/**
 * Guards the Truffle set-up: tests (and the launcher, with the same flags) run on the optimizing
 * runtime. A version or flag mistake silently falls back to the interpreter, about 5× slower, with
 * only a warning; then the engine's name is "Interpreted" and this test fails.
 */
class EngineTest {

    @Test
    void truffleRunsOnTheOptimizingRuntime() {
        try (Engine engine = Engine.newBuilder().option("engine.WarnInterpreterOnly", "false").build()) {
            assertEquals("GraalVM CE", engine.getImplementationName());
        }
    }
}
