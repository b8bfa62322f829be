package dev.rlo.compiler;

import dev.rlo.compiler.backend.cpu.CpuBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated-Java goldens: {@code golden/plan/Name.rlo}'s objectives, with gradients, render as
 * {@code Name.vector.java} (Vector API kernels, the default) and {@code Name.scalar.java}
 * ({@code -Drlo.vector=false}) — {@code rlo compile --emit java}, byte for byte. The cpu backend's
 * kernels change only where a commit says why.
 */
class JavaGoldenTest {

    @TestFactory
    Stream<DynamicTest> objectivesRenderAsVectorApiJava() {
        return Goldens.suite(PlanGoldenTest.DIR, ".vector.java", file -> source(file, true));
    }

    @TestFactory
    Stream<DynamicTest> objectivesRenderAsScalarJava() {
        return Goldens.suite(PlanGoldenTest.DIR, ".scalar.java", file -> source(file, false));
    }

    private static String source(Path file, boolean vector) {
        try {
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file),
                    file.toAbsolutePath().getParent(), List.of());
            return c.objectives().stream().map(o -> CpuBackend.source(c.graph(o, Map.of(), false, true), vector))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
