package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.backend.gpu.CupyModule;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python module of {@code rlo compile --emit cuda --python}, run end to end without a GPU: a
 * stand-in for CuPy (src/test/resources/cupy_emulation) compiles the CUDA source with g++ and runs
 * each launch's threads in order on NumPy arrays, so the module's schedule, its argument lists and
 * the CUDA kernels themselves are all exercised. Every output must match the reference backend
 * (f32, 1e-5 relative). Skipped, with the reason, where python3 with NumPy or g++ is missing.
 */
class CupyModuleTest {

    static final Path EMULATION = Path.of("src/test/resources/cupy_emulation");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> generatedModulesMatchTheReference() {
        return Stream.of("PpoFull", "Gae", "GroupNorm", "QrDqn", "SortScatter").map(name -> DynamicTest.dynamicTest(name, () -> {
            Assumptions.assumeTrue(available("python3", "-c", "import numpy"), "python3 with NumPy is not installed");
            Assumptions.assumeTrue(available("g++", "--version"), "g++ is not installed");
            Path file = Path.of("src/test/golden/plan", name + ".rlo");
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file), file.toAbsolutePath().getParent(), List.of());
            for (String objective : c.objectives()) {
                check(c.graph(objective, Map.of(), false, true), SIZES);
            }
        }));
    }

    /** GAE over 2100 steps of one environment: the module runs the scan in chunks (9 of 256), as the cuda backend would. */
    @Test
    void aLongScanRunsInChunks() throws Exception {
        Assumptions.assumeTrue(available("python3", "-c", "import numpy"), "python3 with NumPy is not installed");
        Assumptions.assumeTrue(available("g++", "--version"), "g++ is not installed");
        Path file = Path.of("src/test/golden/plan/Gae.rlo");
        Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file), file.toAbsolutePath().getParent(), List.of());
        check(c.graph(c.objectives().getFirst(), Map.of(), false, true), Map.of("T", 2100L, "E", 1L));
    }

    static final Map<String, Long> SIZES = Map.of("B", 5L, "A", 3L, "T", 7L, "E", 2L, "G", 3L, "K", 4L, "N", 6L, "M", 5L, "S", 4L);

    private void check(Graph g, Map<String, Long> sizes) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(g.name()));
        Files.writeString(dir.resolve(g.name() + ".cu"), GpuBackend.program(g, Dialect.CUDA).source());
        Files.writeString(dir.resolve(g.name() + ".py"), CupyModule.render(g, g.name() + ".cu"));
        Map<String, Tensor> inputs = Gradcheck.inputs(g, new Gradcheck.Options(sizes, 11, 0, 0, Map.of()));
        Path in = Files.createDirectories(dir.resolve("in"));
        for (var e : inputs.entrySet()) {
            Files.write(in.resolve(e.getKey() + ".npy"), Npy.write(e.getValue().shape(), e.getValue().values(), false));
        }
        Process p = new ProcessBuilder("python3", EMULATION.resolve("run_module.py").toString(), dir.toString(), g.name(),
                in.toString(), dir.resolve("out").toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        Map<Output, Tensor> want = new ReferenceBackend().compile(g).run(inputs);
        for (var e : want.entrySet()) {
            String file = e.getKey().toString().replace(':', '_') + ".npy";   /* as run_module.py names the module's outputs */
            double[] got = Npy.read(dir.resolve("out").resolve(file)).values();
            double[] w = e.getValue().values();
            assertEquals(w.length, got.length, e.getKey().toString());
            for (int i = 0; i < w.length; i++) {
                assertTrue(Math.abs(w[i] - got[i]) <= 1e-5 * Math.max(1, Math.abs(w[i])),
                        g.name() + " " + e.getKey() + "[" + i + "]: reference " + w[i] + ", module " + got[i]);
            }
        }
    }

    private static boolean available(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
