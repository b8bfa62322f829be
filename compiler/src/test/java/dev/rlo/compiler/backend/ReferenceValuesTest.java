package dev.rlo.compiler.backend;

import dev.rlo.compiler.backend.reference.ReferenceBackend;

/** {@link ValuesTest} on the reference backend. */
class ReferenceValuesTest extends ValuesTest {

    @Override
    Backend backend() {
        return new ReferenceBackend();
    }
}
