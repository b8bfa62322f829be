package dev.rlo.compiler.backend;

import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.base.UserError;
import org.junit.jupiter.api.Assumptions;

/**
 * The GPU backends for tests. Where a platform is absent the test is skipped, with the reason in
 * the report and printed once on stderr — except OpenCL under CI ({@code CI=true}), where
 * {@code .ci/run} installs PoCL, so a missing platform fails instead of silently skipping the corpus.
 */
public final class Devices {

    private static final java.util.Set<String> SAID = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Devices() { }

    /** Skips the calling test, saying why on stderr the first time. */
    private static void skip(String why) {
        if (SAID.add(why)) {
            System.err.println("GPU tests skipped: " + why);
        }
        Assumptions.abort(why);
    }

    /** The opencl backend, or a skip (a failure under CI) when no OpenCL platform exists. */
    public static Backend opencl() {
        GpuBackend b = GpuBackend.opencl(null);
        try {
            b.device();
        } catch (UserError e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            skip(e.getMessage());
        }
        return b;
    }

    /** The cuda backend, or a skip when no CUDA driver or GPU exists. */
    public static Backend cuda() {
        GpuBackend b = GpuBackend.cuda(null);
        try {
            b.device();
        } catch (UserError e) {
            skip(e.getMessage());
        }
        return b;
    }
}
