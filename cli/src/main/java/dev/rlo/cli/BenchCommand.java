package dev.rlo.cli;

import dev.rlo.cli.registry.Backends;
import dev.rlo.cli.bench.Bench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code rlo bench}: the benchmark suite, timed on the reference backend, the cpu backend and plain Java (spec/cli.md#bench). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the benchmark suite on each backend and as hand-written Java, with the memory bandwidth.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--entry", paramLabel = "NAME", description = "Only entries whose name starts with NAME (ppo, gae, grpo, qae, qr_dqn, dqn).")
    String entry = "";

    @Option(names = "--calls", description = "Only the training-size calls (µs per call).")
    boolean calls;

    @Option(names = "--repeat", paramLabel = "N", description = "Timed runs per measurement, after warm-up (default: ${DEFAULT-VALUE}).")
    int repeat = 9;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up time per measurement, at least; it goes on until the JIT has been idle for 2 s, up to 20 s (default: ${DEFAULT-VALUE}; 0: two calls).")
    double warmup = 2;

    @Option(names = "--no-reference", description = "Skip the (slow) reference backend.")
    boolean noReference;

    @Option(names = "--gpu", paramLabel = "BACKEND", description = "Also time a GPU backend: opencl or cuda (host-device copies included).")
    Backends gpu;

    @Option(names = "--device", paramLabel = "SPEC", description = "The device of --gpu, as for eval.")
    String device;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Output: text (a markdown table) or json (default: ${DEFAULT-VALUE}).")
    String format = "text";

    @Option(names = "--compile", description = "Time compiling each stdlib objective instead of running the suite.")
    boolean compile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (compile) {
            dev.rlo.cli.bench.CompileTimes.print(java.nio.file.Path.of(System.getProperty("rlo.stdlib", "stdlib")), repeat, warmup, out);
            return Main.OK;
        }
        if (gpu == Backends.cpu || gpu == Backends.reference) {
            throw new dev.rlo.compiler.base.UserError("--gpu takes opencl or cuda; cpu and reference are always timed");
        }
        new Bench(entry, calls, repeat, warmup, !noReference, format.equals("json"), out, gpu == null ? null : gpu.create(device)).run();
        return Main.OK;
    }
}
