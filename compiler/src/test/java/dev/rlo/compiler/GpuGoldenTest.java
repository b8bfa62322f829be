package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.backend.Devices;
import dev.rlo.compiler.backend.gpu.Dialect;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.gpu.OpenClDevice;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Kernel-source goldens: {@code golden/plan/Name.rlo}'s objectives, with gradients, render as
 * {@code Name.cl} and {@code Name.cu} ({@code rlo compile --emit opencl|cuda}), byte for byte. Every
 * CUDA golden compiles with {@code nvcc -ptx} and no warning where nvcc exists (skipped, with the
 * reason, where it does not), and every OpenCL golden builds on the OpenCL device.
 */
class GpuGoldenTest {

    @TestFactory
    Stream<DynamicTest> objectivesRenderAsOpenClC() {
        return Goldens.suite(PlanGoldenTest.DIR, ".cl", file -> source(file, Dialect.OPENCL));
    }

    @TestFactory
    Stream<DynamicTest> objectivesRenderAsCudaC() {
        return Goldens.suite(PlanGoldenTest.DIR, ".cu", file -> source(file, Dialect.CUDA));
    }

    @TestFactory
    Stream<DynamicTest> cudaGoldensCompileWithNvcc() {
        return goldens(".cu").map(cu -> DynamicTest.dynamicTest(cu.getFileName().toString(), () -> {
            String nvcc = nvcc();
            Assumptions.assumeTrue(nvcc != null, "no nvcc on PATH or in /usr/local/cuda/bin: the PTX compile check is skipped");
            Path ptx = Files.createTempFile("rlo", ".ptx");
            try {
                Process p = new ProcessBuilder(nvcc, "-ptx", "-arch=sm_90", "-Werror", "all-warnings", "-o", ptx.toString(), cu.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                p.waitFor(120, TimeUnit.SECONDS);
                assertEquals(0, p.exitValue(), cu + ":\n" + log);
            } finally {
                Files.deleteIfExists(ptx);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> openClGoldensBuild() {
        return goldens(".cl").map(cl -> DynamicTest.dynamicTest(cl.getFileName().toString(), () -> {
            Devices.opencl();
            OpenClDevice.open(null).build(Files.readString(cl));
        }));
    }

    private static Stream<Path> goldens(String suffix) {
        return Goldens.rloFiles(PlanGoldenTest.DIR).stream().map(f -> f.resolveSibling(f.getFileName().toString().replace(".rlo", suffix)));
    }

    private static String nvcc() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/local/cuda/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String source(Path file, Dialect dialect) {
        try {
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file),
                    file.toAbsolutePath().getParent(), List.of());
            return c.objectives().stream().map(o -> GpuBackend.program(c.graph(o, Map.of(), false, true), dialect).source())
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
