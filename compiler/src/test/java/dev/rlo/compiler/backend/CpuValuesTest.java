package dev.rlo.compiler.backend;

import dev.rlo.compiler.backend.cpu.CpuBackend;

/** {@link ValuesTest} on the fused CPU backend. */
class CpuValuesTest extends ValuesTest {

    @Override
    Backend backend() {
        return new CpuBackend();
    }
}
