package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.resolve.SourceRoot;
import dev.rlo.compiler.source.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The golden-file runner: each {@code Name.rlo} in a directory is run through a phase and its output
 * compared with {@code Name} + a suffix. {@code -Dgolden.update=true} rewrites the expected files
 * (then read the diff); {@code -Dgolden.only=Name} runs one test.
 */
public final class Goldens {

    public static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final String ONLY = System.getProperty("golden.only");

    private Goldens() { }

    /** One dynamic test per {@code *.rlo} in {@code dir}, comparing {@code run(file)} with its golden. */
    public static Stream<DynamicTest> suite(Path dir, String suffix, Function<Path, String> run) {
        return suite(dir, ".rlo", suffix, run);
    }

    /**
     * One dynamic test per file of {@code dir} ending in {@code extension}, comparing {@code run(file)}
     * with the golden whose name replaces the extension by {@code suffix} ({@code .out}), or adds to it
     * what {@code suffix} adds to it ({@code .rlo.errors}).
     */
    public static Stream<DynamicTest> suite(Path dir, String extension, String suffix, Function<Path, String> run) {
        return files(dir, extension).stream()
                .filter(f -> ONLY == null || f.getFileName().toString().startsWith(ONLY))
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> compare(f, extension, suffix, run.apply(f))));
    }

    public static List<Path> rloFiles(Path dir) {
        return files(dir, ".rlo");
    }

    private static List<Path> files(Path dir, String extension) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(extension)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compare(Path source, String extension, String suffix, String actual) throws IOException {
        String name = source.getFileName().toString();
        Path golden = source.resolveSibling(suffix.startsWith(extension) ? name + suffix.substring(extension.length())
                : name.replace(extension, suffix));
        if (UPDATE) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.exists(golden) ? Files.readString(golden, StandardCharsets.UTF_8) : "(missing " + golden + ")";
        assertEquals(expected, actual, source + " (rerun with -Dgolden.update=true to accept, then read the diff)");
    }

    /** {@code file} as a source shown under its bare name, so goldens do not depend on the directory; read as rlo reads files. */
    public static SourceRoot.Loaded load(Path file) {
        try {
            return new SourceRoot.Loaded(file.toRealPath().toString(), SourceFile.decode(file.getFileName().toString(), Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
