package dev.rlo.cli;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;

/** The backends a command can run on ({@code --backend NAME}, {@code --device SPEC}; spec/cli.md#backends). */
enum Backends {
    cpu, reference, opencl, cuda;

    /** This backend, on the device {@code device} names (GPU backends only; null picks one). */
    Backend create(String device) {
        if (device != null && (this == cpu || this == reference)) {
            throw new dev.rlo.compiler.base.UserError("--device is for the opencl and cuda backends, not " + this);
        }
        return switch (this) {
            case cpu -> new CpuBackend();
            case reference -> new ReferenceBackend();
            case opencl -> GpuBackend.opencl(device);
            case cuda -> GpuBackend.cuda(device);
        };
    }
}
