package dev.rlo.cli;

import picocli.CommandLine.Option;

/** {@code --dtype f32|f64}, for the commands that compute in either (eval, compile; gradcheck is always f64). */
final class DtypeOption {

    enum Dtype { f32, f64 }

    @Option(names = "--dtype", paramLabel = "DTYPE", description = "f32, or f64 to compute everything in f64 (default: ${DEFAULT-VALUE}).")
    Dtype dtype = Dtype.f32;

    boolean f64() {
        return dtype == Dtype.f64;
    }
}
