package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.cli.registry.Backends;
import dev.rlo.cli.registry.Emit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --emit} kinds and the backends are each one table ({@link Emit}, {@link Backends}) that
 * the commands' help, the single-file and batch compiles and the REPL read (issue 18): what one says,
 * the others say.
 */
class RegistryTest {

    @Test
    void helpListsTheRegistries() {
        CliTest.Run compile = CliTest.rlo("compile", "--help");
        assertTrue(compile.out().replaceAll("\\s+", " ").contains("What to print: " + String.join(", ", Emit.names()) + "."), compile.out());
        for (String command : new String[] {"eval", "train"}) {
            CliTest.Run r = CliTest.rlo(command, "--help");
            assertTrue(r.out().replaceAll("\\s+", " ").contains("The backend: " + String.join(", ", Backends.names())), command + ": " + r.out());
        }
    }

    /** Each kind with an artifact per graph prints, for one objective, the text the batch compile writes for it. */
    @Test
    void oneFileAndTheBatchCompileRenderEveryKindAlike(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("o.rlo");
        Files.writeString(file, "objective o(x: f32[B] grad, k = 2.0) {\n  sum(x * x) * k\n}\n");
        for (Emit kind : Emit.values()) {
            if (kind.pythonModule()) {
                continue;
            }
            CliTest.Run one = CliTest.rlo("compile", file.toString(), "--emit", kind.name());
            assertEquals(0, one.code(), kind + ": " + one.err());
            Path out = dir.resolve("out-" + kind);
            CliTest.Run all = CliTest.rlo("compile", file.toString(), "--emit", kind.name(), "-o", out.toString());
            assertEquals(0, all.code(), kind + ": " + all.out() + all.err());
            assertEquals(one.out(), Files.readString(out.resolve("o/o." + kind.extension())), kind.name());
        }
    }

    @Test
    void anUnknownNameListsTheRegistry() {
        CliTest.Run r = CliTest.rlo("compile", "x.rlo", "--emit", "schedul");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Invalid value for option '--emit': expected one of [" + String.join(", ", Emit.names()) + "]"), r.err());
    }
}
