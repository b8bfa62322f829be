package dev.rlo.cli.bench;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Gradcheck;
import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.cpu.CpuBackend;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.tensor.Tensor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the suite: for each entry, the median time of the reference backend, the cpu backend and the
 * hand-written Java loop, on the same inputs in one process; then ns per element, the GB/s of the
 * entry's least traffic and its share of the triad bandwidth measured first. Training-size calls get
 * a table of their own, in µs per call.
 */
public final class Bench {

    private final String filter;
    private final boolean callsOnly;
    private final int repeat;
    private final double warmup;
    private final boolean reference;
    private final boolean json;
    private final PrintWriter out;
    private final Backend gpu;

    /**
     * {@code gpu}, when not null, adds a column: that backend's time, host-device copies included;
     * {@code callsOnly} keeps the training-size calls alone.
     */
    public Bench(String filter, boolean callsOnly, int repeat, double warmup, boolean reference, boolean json, PrintWriter out,
                 Backend gpu) {
        this.gpu = gpu;
        this.filter = filter;
        this.callsOnly = callsOnly;
        this.repeat = repeat;
        this.warmup = warmup;
        this.reference = reference;
        this.json = json;
        this.out = out;
    }

    public void run() {
        int threads = Runtime.getRuntime().availableProcessors();
        double triad = Triad.bandwidth(64 << 20, threads, 5);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!json) {
            out.printf("triad: %.1f GB/s on %d threads%n", triad / 1e9, threads);
        }
        Boolean table = null;                  // the kind of table open: throughput (false) or calls (true)
        for (Entry e : Suite.entries()) {
            if (!e.name().startsWith(filter) || callsOnly && !e.perCall()) {
                continue;
            }
            Map<String, Object> row = measure(e, triad);
            rows.add(row);
            if (json) {
                continue;
            }
            if (table == null || table != e.perCall()) {
                table = e.perCall();
                header(e.perCall());
            }
            if (e.perCall()) {
                callRow(row);
            } else {
                throughputRow(row);
            }
            out.flush();
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("threads", threads);
            all.put("triad_gb_per_s", triad / 1e9);
            all.put("entries", rows);
            out.println(Json.write(all));
            out.flush();
        }
    }

    private void header(boolean perCall) {
        String gpuColumn = gpu == null ? "" : " " + gpu.name() + (perCall ? " µs" : " ms") + ", with copies |";
        out.println();
        if (perCall) {
            out.println("Training-size calls, µs per call:");
            out.println();
            out.println("| entry | shape | reference µs | cpu µs | cpu µs, new outputs | java µs | cpu vs java |" + gpuColumn);
            out.println("|---|---|---|---|---|---|---|" + (gpu == null ? "" : "---|"));
        } else {
            out.println("| entry | shape | reference ms | cpu ms | cpu ms, new outputs | java ms | cpu ns/elem | cpu GB/s | % of triad | cpu vs reference | cpu vs java |"
                    + gpuColumn);
            out.println("|---|---|---|---|---|---|---|---|---|---|---|" + (gpu == null ? "" : "---|"));
        }
    }

    private void throughputRow(Map<String, Object> row) {
        double cpu = (Double) row.get("cpu_ms");
        Double ref = (Double) row.get("reference_ms");
        out.printf("| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.1f | %.0f%% | %s | %.1f× |", row.get("entry"), row.get("shape"),
                ref == null ? "—" : String.format("%.2f", ref), cpu, (Double) row.get("cpu_new_outputs_ms"),
                (Double) row.get("java_ms"), (Double) row.get("cpu_ns_per_element"), (Double) row.get("cpu_gb_per_s"),
                (Double) row.get("triad_share") * 100, ref == null ? "—" : String.format("%.0f×", ref / cpu),
                (Double) row.get("java_ms") / cpu);
        if (gpu != null) {
            out.printf(" %.3f |", (Double) row.get(gpu.name() + "_ms"));
        }
        out.println();
    }

    private void callRow(Map<String, Object> row) {
        double cpu = (Double) row.get("cpu_ms") * 1e3;
        Double ref = (Double) row.get("reference_ms");
        out.printf("| %s | %s | %s | %.1f | %.1f | %.1f | %.1f× |", row.get("entry"), row.get("shape"),
                ref == null ? "—" : String.format("%.0f", ref * 1e3), cpu, (Double) row.get("cpu_new_outputs_ms") * 1e3,
                (Double) row.get("java_ms") * 1e3, (Double) row.get("java_ms") * 1e3 / cpu);
        if (gpu != null) {
            out.printf(" %.1f |", (Double) row.get(gpu.name() + "_ms") * 1e3);
        }
        out.println();
    }

    private Map<String, Object> measure(Entry e, double triad) {
        Compiler c = Compiler.fromSource(e.name() + ".rlo", e.source(), null, List.of());
        Graph g = c.graph(e.objective(), Map.of(), false, e.gradients());
        Map<String, Tensor> inputs = Gradcheck.inputs(g, new Gradcheck.Options(e.sizes(), 1, 0, 0, Map.of()));
        double cpu = time(new CpuBackend(), g, inputs, repeat, warmup, true);
        double cpuAllocating = time(new CpuBackend(), g, inputs, repeat, warmup, false);
        double java = Timing.median(e.java().apply(inputs), warmup, repeat);
        Double ref = reference ? time(new ReferenceBackend(), g, inputs, 3, 0, false) : null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("entry", e.name());
        row.put("shape", e.shape());
        row.put("per_call", e.perCall());
        row.put("elements", e.elements());
        row.put("reference_ms", ref == null ? null : ref * 1e3);
        row.put("cpu_ms", cpu * 1e3);
        row.put("cpu_new_outputs_ms", cpuAllocating * 1e3);
        row.put("java_ms", java * 1e3);
        row.put("cpu_ns_per_element", cpu * 1e9 / e.elements());
        row.put("cpu_gb_per_s", e.bytes() / cpu / 1e9);
        row.put("triad_share", e.bytes() / cpu / triad);
        if (gpu != null) {
            row.put(gpu.name() + "_ms", time(gpu, g, inputs, repeat, warmup, true) * 1e3);
        }
        return row;
    }

    /**
     * The median time of a run; with {@code reuse}, outputs go into arrays kept from a first run, as
     * in a training loop (and as the hand-written loops do), else each run allocates its outputs.
     */
    private static double time(Backend backend, Graph g, Map<String, Tensor> inputs, int repeat, double warmup, boolean reuse) {
        Backend.Executable exe = backend.compile(g);
        if (!reuse) {
            return Timing.median(() -> exe.run(inputs), warmup, repeat);
        }
        Map<Output, Tensor> into = new LinkedHashMap<>(exe.run(inputs));
        return Timing.median(() -> exe.run(inputs, into), warmup, repeat);
    }
}
