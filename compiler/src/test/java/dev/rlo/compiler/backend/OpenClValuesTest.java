package dev.rlo.compiler.backend;

/** {@link ValuesTest} on the opencl backend (PoCL in CI; skipped with its reason where no platform exists). */
class OpenClValuesTest extends ValuesTest {

    @Override
    Backend backend() {
        return Devices.opencl();
    }
}
