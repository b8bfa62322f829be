package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel cache's integrity check (spec/cli.md#trust-boundaries): an entry whose class bytes
 * were changed, or that holds another key, is compiled again and replaced, never loaded.
 */
class KernelCacheTest {

    static final String BODY = "    @Override\n    public void run(int kernel, int phase, MemorySegment[] b, MemorySegment[] aux, long[] n,"
            + " int part, int parts, Locals locals) { }\n    // " + System.nanoTime() + "\n";

    @Test
    void aDamagedOrForeignEntryIsCompiledAgain(@TempDir Path dir) throws IOException {
        System.setProperty("rlo.kernel.cache", dir.toString());
        try {
            String name = KernelCompiler.className(BODY);
            byte[] compiled = KernelCompiler.cachedOrCompiled(name, BODY);
            Path entry = dir.resolve(name + ".kernel");
            assertTrue(Files.isRegularFile(entry));
            assertArrayEquals(compiled, KernelCompiler.cachedOrCompiled(name, BODY), "a valid entry is used as it is");

            byte[] damaged = Files.readAllBytes(entry);
            damaged[damaged.length - 10] ^= 1;
            Files.write(entry, damaged);
            assertArrayEquals(compiled, KernelCompiler.cachedOrCompiled(name, BODY), "changed class bytes are not loaded");

            String foreign = Files.readString(entry, java.nio.charset.StandardCharsets.ISO_8859_1).replaceFirst("\n[0-9a-f]{64}\n", "\n" + "0".repeat(64) + "\n");
            Files.writeString(entry, foreign, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertArrayEquals(compiled, KernelCompiler.cachedOrCompiled(name, BODY), "an entry for another key is not loaded");
            assertTrue(Files.readString(entry, java.nio.charset.StandardCharsets.ISO_8859_1).contains(dev.rlo.compiler.io.Sha256.hex("rlo-kernels-1" + BODY)),
                    "the entry was replaced by a valid one");
        } finally {
            System.clearProperty("rlo.kernel.cache");
        }
    }
}
