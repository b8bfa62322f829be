package dev.rlo.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the sweep tests share: running rlo in this JVM or a child one, and comparing runs. */
final class Sweeps {

    static final String EXAMPLE = Path.of("../../examples/sweep-ppo-vs-spo.rlo").toAbsolutePath().normalize().toString();

    record Result(int code, String out, String err) { }

    private Sweeps() { }

    /** The rlo command line in this JVM. */
    static Result rlo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** The rlo command line in a child JVM with this one's flags and class path, its output into {@code log}. */
    static Process child(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The one sweep directory under {@code out}. */
    static Path sweepDir(Path out) throws IOException {
        try (Stream<Path> dirs = Files.list(out)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            return all.getFirst();
        }
    }

    /** The run directories of a sweep, by name. */
    static List<Path> runs(Path sweep) throws IOException {
        try (Stream<Path> dirs = Files.list(sweep.resolve("runs"))) {
            return dirs.sorted().toList();
        }
    }

    /**
     * Runs the {@code rlo train} command of a sweep's run (its command.txt) into {@code into}, in this
     * JVM, and checks that its metrics.csv and summary.json equal the sweep's run's, all but the
     * timing columns (charts/SPS, seconds).
     */
    static void sameAsAlone(Path run, Path into) throws IOException {
        List<String> words = new ArrayList<>(Arrays.asList(Files.readString(run.resolve("command.txt")).strip().split(" ")));
        assertEquals(List.of("rlo", "train"), words.subList(0, 2));
        int out = words.indexOf("--out");
        words.set(out + 1, into.toString());
        Result alone = rlo(words.subList(1, words.size()).toArray(String[]::new));
        assertEquals(0, alone.code(), alone.out() + alone.err());
        assertEquals(withoutSps(into), withoutSps(run), run + ": metrics.csv differs from its rlo train command's");
        assertEquals(Files.readString(into.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""),
                Files.readString(run.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""));
    }

    /** A run's metrics.csv without its charts/SPS column. */
    static String withoutSps(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        int sps = Arrays.asList(lines.getFirst().split(",")).indexOf("charts/SPS");
        assertTrue(sps >= 0, lines.getFirst());
        return lines.stream().map(l -> {
            List<String> cells = new ArrayList<>(Arrays.asList(l.split(",", -1)));
            cells.remove(sps);
            return String.join(",", cells);
        }).collect(Collectors.joining("\n"));
    }

    /** Waits (at most two minutes) until {@code file} exists or {@code alive} is false. */
    static void await(java.util.function.BooleanSupplier done, java.util.function.BooleanSupplier alive) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!done.getAsBoolean() && alive.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
