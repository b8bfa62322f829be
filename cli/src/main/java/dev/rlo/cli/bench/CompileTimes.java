package dev.rlo.cli.bench;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.ir.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long compiling takes in a warm process, for every objective of the standard library: source
 * text to a runnable plan when the plan's kernels are in the kernel cache (the usual case: a plan is
 * compiled once per machine), and with the kernels generated and compiled by javac afresh.
 */
public final class CompileTimes {

    private CompileTimes() { }

    /** One objective's median times, in milliseconds. */
    record Row(String objective, double cached, double fresh) { }

    public static void print(Path stdlib, int repeat, double warmup, PrintWriter out) {
        List<Row> rows = measure(stdlib, repeat, warmup);
        out.println("| stdlib objective | source → runnable plan, kernels cached (ms) | with kernels compiled afresh by javac (ms) |");
        out.println("|---|---|---|");
        for (Row r : rows) {
            out.printf("| %s | %.2f | %.1f |%n", r.objective(), r.cached(), r.fresh());
        }
        out.flush();
    }

    static List<Row> measure(Path stdlib, int repeat, double warmup) {
        List<Row> rows = new ArrayList<>();
        for (Path file : files(stdlib)) {
            String module = "std." + stdlib.resolve("std").relativize(file).toString().replace(".rlo", "").replace('/', '.');
            String text = read(file);
            Compiler first = Compiler.fromSource(file.toString(), text, null, List.of());
            for (String objective : first.objectives()) {
                Runnable cached = () -> new CpuBackend().compile(graph(file, text, objective));
                Runnable fresh = () -> CpuBackend.compileFresh(graph(file, text, objective));
                rows.add(new Row(module + "." + objective, Timing.median(cached, warmup, repeat) * 1e3,
                        Timing.median(fresh, warmup, repeat) * 1e3));
            }
        }
        return rows;
    }

    /** Source text to the objective's f32 graph with gradients: parse, check, lower, differentiate, optimise. */
    private static Graph graph(Path file, String text, String objective) {
        return Compiler.fromSource(file.toString(), text, null, List.of()).graph(objective, Map.of(), false, true);
    }

    private static List<Path> files(Path stdlib) {
        try (Stream<Path> s = Files.walk(stdlib.resolve("std"))) {
            return s.filter(p -> p.toString().endsWith(".rlo")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
