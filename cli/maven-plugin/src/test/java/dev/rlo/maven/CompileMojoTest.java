package dev.rlo.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.cli.registry.Emit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlo:compile} takes the kinds {@code rlo compile --emit} takes, from the one registry ({@link Emit}). */
class CompileMojoTest {

    private static CompileMojo mojo(Path dir, String emit) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("o.rlo"), "objective o(x: f32[B] grad, k = 2.0) {\n  sum(x) * k\n}\n");
        CompileMojo m = new CompileMojo();
        m.sourceDirectory = src.toFile();
        m.emit = emit;
        m.parameters = new LinkedHashMap<>();
        m.libraryPath = List.of();
        m.outputDirectory = dir.resolve("out").toFile();
        m.project = new MavenProject();
        m.version = "test";
        return m;
    }

    /** Every kind writes its artifact or module and the manifest; the Python dialects too (the plugin once refused them). */
    @Test
    void everyKindOfTheRegistryCompiles(@TempDir Path dir) throws Exception {
        for (Emit kind : Emit.values()) {
            Path here = dir.resolve(kind.name());
            mojo(here, kind.name()).execute();
            Path out = here.resolve("out/rlo");
            Path artifact = kind.pythonModule() ? out.resolve("o.py") : out.resolve("o/o." + kind.extension());
            assertTrue(Files.isRegularFile(artifact), kind + ": " + artifact);
            assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"emit\": \"" + kind + "\""), kind.name());
        }
    }

    /** A kind the registry lacks fails the build, naming the kinds, before the output directory is touched. */
    @Test
    void anUnknownKindFailsNamingTheKinds(@TempDir Path dir) throws Exception {
        CompileMojo m = mojo(dir, "schedul");
        Path kept = dir.resolve("out/rlo/kept.txt");
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, "an earlier build's");
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("rlo: no --emit kind `schedul`; the kinds are " + String.join(", ", Emit.names()), e.getMessage());
        assertTrue(Files.exists(kept));
    }
}
