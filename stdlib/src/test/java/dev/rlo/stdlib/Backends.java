package dev.rlo.stdlib;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.base.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * The backends every check of the standard library runs on: one corpus, several configurations.
 * The opencl backend joins where an OpenCL platform exists (PoCL in CI, where {@code .ci/run}
 * installs it and a missing platform is a failure); elsewhere the reason is printed once.
 */
final class Backends {

    static final List<Backend> ALL = all();

    private Backends() { }

    private static List<Backend> all() {
        List<Backend> out = new ArrayList<>(List.of(new ReferenceBackend(), new CpuBackend()));
        GpuBackend opencl = GpuBackend.opencl(null);
        try {
            opencl.device();
            out.add(opencl);
        } catch (UserError e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            System.err.println("stdlib corpus: not on opencl: " + e.getMessage());
        }
        return List.copyOf(out);
    }
}
