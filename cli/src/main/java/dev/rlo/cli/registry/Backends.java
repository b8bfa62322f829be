package dev.rlo.cli.registry;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.gpu.GpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.base.UserError;
import java.util.Arrays;
import java.util.List;

/**
 * The backends rlo runs on (spec/cli.md#backends), one line each: the commands' {@code --backend
 * NAME} and {@code --help}, and the REPL's {@code :backend} and its completion, read this table.
 */
public enum Backends {
    cpu, reference, opencl, cuda;

    /** Every backend's name, in order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }

    /** The backend {@code name} names; a user error listing them if none does. */
    public static Backends named(String name) {
        return Arrays.stream(values()).filter(b -> b.name().equals(name)).findFirst().orElseThrow(() ->
                new UserError("no backend `" + name + "`; the backends are " + String.join(", ", names())));
    }

    /** Whether {@code --device} picks one of this backend's devices. */
    public boolean hasDevices() {
        return this == opencl || this == cuda;
    }

    /** This backend, on the device {@code device} names (GPU backends only; null picks one). */
    public Backend create(String device) {
        if (device != null && !hasDevices()) {
            throw new UserError("--device is for the opencl and cuda backends, not " + this);
        }
        return switch (this) {
            case cpu -> new CpuBackend();
            case reference -> new ReferenceBackend();
            case opencl -> GpuBackend.opencl(device);
            case cuda -> GpuBackend.cuda(device);
        };
    }
}
