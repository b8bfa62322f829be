package dev.rlo.compiler;

import dev.rlo.compiler.backend.python.PythonModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Python module goldens: {@code golden/python/Name.rlo} renders as {@code Name.torch.py},
 * {@code Name.jax.py} and {@code Name.numpy.py} ({@code rlo compile --emit torch|jax|numpy}), byte
 * for byte. The modules' behaviour is tested by running them (cli's PythonParityTest); these pin
 * their text, the JAX one included, which no test here can run.
 */
class PythonGoldenTest {

    static final Path DIR = Path.of("src/test/golden/python");

    @TestFactory
    Stream<DynamicTest> filesRenderForTorch() {
        return Goldens.suite(DIR, ".torch.py", file -> module(file, "torch"));
    }

    @TestFactory
    Stream<DynamicTest> filesRenderForJax() {
        return Goldens.suite(DIR, ".jax.py", file -> module(file, "jax"));
    }

    @TestFactory
    Stream<DynamicTest> filesRenderForNumpy() {
        return Goldens.suite(DIR, ".numpy.py", file -> module(file, "numpy"));
    }

    private static String module(Path file, String dialect) {
        try {
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file), file.toAbsolutePath().getParent(), List.of());
            return PythonModule.render(dialect, file.getFileName().toString(), c.pythonCallables(Map.of(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
