package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rlo.compiler.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzz test of the hardening issue's acceptance: {@value #INPUTS} generated adversarial inputs per
 * run — deeply nested and mutated programs, unicode and bytes that are not UTF-8, malformed JSON,
 * .npy and .npz files, absurd sizes — through {@code rlo check}, {@code rlo eval} and
 * {@code rlo gradcheck}, all in this one JVM. Every run must end with exit 0, 1 or 2: no internal
 * error (exit 3), no stack trace on any stream (System.err included), and no hang (a watchdog gives
 * each input {@value #WATCHDOG_SECONDS} s). The seed is {@code -Dfuzz.seed}, else the time; a
 * failure prints it and the input.
 */
class AdversarialInputsTest {

    static final int INPUTS = 2100;
    static final int WATCHDOG_SECONDS = 120;
    static final long SEED = Long.getLong("fuzz.seed", System.currentTimeMillis());

    /** Valid programs the mutations start from. */
    static final List<String> PROGRAMS = List.of(
            "objective f(x: f32[B,A] grad, a: i32[B], m: bool[B]) {\n  mean(where(m, x[A = a], 0.0))\n}\n",
            "/// 𝔼[r] over 𝒟\nfn g(v: f32[T], gamma = 0.99) -> f32[T] {\n  v * gamma + shift(v, over: T, by: 1)\n}\n"
                    + "objective o(x: f32[B,T] grad, eps = 0.2) {\n  let r = g(x)\n  report k = mean(r)\n  mean(clip(r, 1 - eps, 1 + eps) ** 2)\n}\n",
            "import std.kl.{k3}\nobjective kl(logp: f32[B,L] grad, ref: f32[B,L]) {\n  mean(k3(logp, ref)) + logsumexp(logp, over: L)[B -> C] * 0\n}\n",
            "objective s(q: f64[B,N] grad, w: f64[N]) {\n  let u = q - mean(q, over: N)\n  sum(u * w) / size(B)\n}\n");
    static final String[] UNICODE = {"𝔼", "😀", "\uFEFF", "\u202E", "\u0000", "\u001b[2J", "e\u0301", "а", "\u200B", "\r", "\r\n", "\t",
        "\uD800", "\\u", "\"", "//", "///", "{", "}", "(", ")", "[", "]", ",", ":", "->", "=", "grad", "over:", "let", "fn", "1e309",
        "2147483648", "_", "x", "B", "A"};

    private final Random random = new Random(SEED);
    private final ByteArrayOutputStream strayErr = new ByteArrayOutputStream();
    private final ExecutorService watchdog = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-watchdog");
        t.setDaemon(true);
        return t;
    });
    /**
     * A stack frame: a line that starts with a tab and "at ". Not the text anywhere: an error
     * echoes the offending source line, and a mutated program can hold a tab before "at" (seed
     * 1796588037041 wrote "me\tat u = q").
     */
    private static final java.util.regex.Pattern TRACE = java.util.regex.Pattern.compile("(?m)^\tat ");
    private int runs;
    private final int[] exits = new int[3];

    @TempDir
    Path dir;

    @Test
    void noInputMakesRloFailOrHang() throws Exception {
        PrintStream err = System.err;
        System.setErr(new PrintStream(strayErr, true, StandardCharsets.UTF_8));
        try {
            Path evalProgram = Files.writeString(dir.resolve("f.rlo"), PROGRAMS.getFirst());
            while (runs < INPUTS) {
                switch (runs % 6) {
                    case 0, 1, 2 -> check(program());
                    case 3 -> gradcheck(program(), dims());
                    case 4, 5 -> eval(evalProgram, inputsFile());
                    default -> throw new IllegalStateException();
                }
            }
        } finally {
            System.setErr(err);
            watchdog.shutdownNow();
        }
        assertTrue(runs >= 2000, runs + " inputs");
        System.out.printf("fuzz seed %d: %d inputs; exit 0: %d, 1: %d, 2: %d%n", SEED, runs, exits[0], exits[1], exits[2]);
        String stray = strayErr.toString(StandardCharsets.UTF_8);
        assertTrue(!TRACE.matcher(stray).find() && !stray.contains("Exception in thread"), "seed " + SEED + ": a trace on System.err:\n" + stray);
    }

    // ---- running ----------------------------------------------------------------------------------

    private void check(byte[] program) throws Exception {
        Path f = Files.write(dir.resolve("p" + runs + ".rlo"), program);
        run(f, "check", "--no-cache", f.toString());
    }

    private void gradcheck(byte[] program, List<String> options) throws Exception {
        Path f = Files.write(dir.resolve("p" + runs + ".rlo"), program);
        List<String> args = new ArrayList<>(List.of("gradcheck", f.toString(), "--max-elements", "3"));
        args.addAll(options);
        run(f, args.toArray(String[]::new));
    }

    private void eval(Path program, Path inputs) throws Exception {
        run(inputs, "eval", program.toString(), inputs.toString().endsWith(".npy") ? "--input=x=" + inputs : "--inputs=" + inputs);
    }

    /** Runs the CLI on {@code args} under the watchdog; fails, showing {@code input}, on exit 3, a trace or a hang. */
    private void run(Path input, String... args) throws Exception {
        runs++;
        Future<CliTest.Run> f = watchdog.submit(() -> CliTest.rlo(args));
        CliTest.Run r;
        try {
            r = f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("seed " + SEED + ": no answer in " + WATCHDOG_SECONDS + " s to " + String.join(" ", args) + "\n" + show(input));
            return;
        }
        String all = r.out() + r.err();
        if (r.code() < 0 || r.code() > 2 || TRACE.matcher(all).find() || all.contains("Exception in thread") || all.contains("rlo: internal error")) {
            fail("seed " + SEED + ": exit " + r.code() + " from " + String.join(" ", args) + "\n" + show(input) + "\n--- output:\n"
                    + all.substring(0, Math.min(all.length(), 4000)));
        }
        exits[r.code()]++;
    }

    private static String show(Path input) throws IOException {
        byte[] b = Files.readAllBytes(input);
        String text = new String(b, 0, Math.min(b.length, 3000), StandardCharsets.ISO_8859_1);
        return "--- input " + input.getFileName() + " (" + b.length + " bytes):\n" + text;
    }

    // ---- programs ---------------------------------------------------------------------------------

    private byte[] program() {
        return switch (random.nextInt(8)) {
            case 0 -> utf8(nested());
            case 1 -> utf8(chain());
            case 2 -> notUtf8(mutated());
            default -> utf8(mutated());
        };
    }

    /** A valid program with a few random edits: tokens and unicode inserted, ranges deleted or repeated. */
    private String mutated() {
        StringBuilder s = new StringBuilder(PROGRAMS.get(random.nextInt(PROGRAMS.size())));
        for (int k = random.nextInt(4); k >= 0; k--) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(4)) {
                case 0 -> s.insert(at, UNICODE[random.nextInt(UNICODE.length)]);
                case 1 -> s.delete(at, Math.min(s.length(), at + random.nextInt(8)));
                case 2 -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(20))).repeat(1 + random.nextInt(50)));
                default -> s.setCharAt(Math.min(at, s.length() - 1), (char) random.nextInt(0x3000));
            }
        }
        return s.toString();
    }

    /** An objective whose expression nests up to 3,000 levels: brackets, calls, signs, sums, powers, gathers. */
    private String nested() {
        int depth = random.nextInt(3) == 0 ? 900 + random.nextInt(200) : random.nextInt(3000);
        String[][] kinds = {{"(", ")"}, {"tanh(", ")"}, {"-", ""}, {"x + ", ""}, {"x ** (", ")"}, {"abs(", ")"},
            {"mean(", ", over: A)[B -> B]"}, {"where(m, ", ", x)"}};
        String[] k = kinds[random.nextInt(kinds.length)];
        String inner = k[0].repeat(depth) + "x" + k[1].repeat(depth);
        return "objective o(x: f32[B,A] grad, m: bool[B,A]) {\n  mean(" + inner + ")\n}\n";
    }

    /** Long chains: lets, fns calling the next once or twice (exponential once inlined). */
    private String chain() {
        int n = 1 + random.nextInt(random.nextBoolean() ? 40 : 1500);
        StringBuilder s = new StringBuilder();
        switch (random.nextInt(3)) {
            case 0 -> {
                s.append("objective o(x: f32[B] grad) {\n  let v0 = x\n");
                for (int i = 1; i < n; i++) {
                    s.append("  let v").append(i).append(" = tanh(v").append(i - 1).append(") * 0.5 + v").append(i - 1).append(" * 0.1\n");
                }
                s.append("  mean(v").append(n - 1).append(")\n}\n");
            }
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    s.append("fn h").append(i).append("(x: f32) -> f32 { h").append(i + 1).append("(x) * 0.9 }\n");
                }
                s.append("fn h").append(n).append("(x: f32) -> f32 { x }\nobjective o(x: f32[B] grad) { mean(h0(x)) }\n");
            }
            default -> {
                n = 1 + random.nextInt(40);
                for (int i = 0; i < n; i++) {
                    s.append("fn h").append(i).append("(x: f32) -> f32 { h").append(i + 1).append("(x) + h").append(i + 1).append("(x * 2) }\n");
                }
                s.append("fn h").append(n).append("(x: f32) -> f32 { x }\nobjective o(x: f32[B] grad) { mean(h0(x)) }\n");
            }
        }
        return s.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code s} with a few bytes that are not UTF-8, or with a byte-order mark. */
    private byte[] notUtf8(String s) {
        byte[] b = utf8(s);
        if (random.nextBoolean()) {
            byte[] bom = new byte[b.length + 3];
            bom[0] = (byte) 0xEF;
            bom[1] = (byte) 0xBB;
            bom[2] = (byte) 0xBF;
            System.arraycopy(b, 0, bom, 3, b.length);
            return bom;
        }
        for (int k = 1 + random.nextInt(3); k > 0 && b.length > 0; k--) {
            b[random.nextInt(b.length)] = (byte) (0x80 + random.nextInt(0x80));
        }
        return b;
    }

    // ---- sizes ------------------------------------------------------------------------------------

    private List<String> dims() {
        List<String> out = new ArrayList<>();
        long[] sizes = {0, -1, 1, 2, 3, -(1L << 40), 1L << 31, (1L << 31) + 3, 100_000_000_000L, Long.MAX_VALUE, 1_000_000_000};
        for (String d : new String[] {"B", "A", "T", "N", "L"}) {
            if (random.nextInt(3) == 0) {
                out.add("--dim");
                out.add(d + "=" + sizes[random.nextInt(sizes.length)]);
            }
        }
        if (random.nextInt(5) == 0) {
            out.add("--max-elements");
            out.add(String.valueOf(random.nextInt(7) - 3));
        }
        return out;
    }

    // ---- input files ------------------------------------------------------------------------------

    static final String GOOD = "{\"inputs\": {\"x\": {\"dims\": [\"B\",\"A\"], \"data\": [[1,2,3],[4,5,6]]},"
            + " \"a\": {\"dims\": [\"B\"], \"data\": [0, 2]}, \"m\": {\"dims\": [\"B\"], \"data\": [true, false]}}}";

    private Path inputsFile() throws IOException {
        Path f = dir.resolve("in" + runs);
        return switch (random.nextInt(7)) {
            case 0, 1 -> Files.write(f.resolveSibling(f.getFileName() + ".json"), utf8(mutatedJson()));
            case 2 -> Files.write(f.resolveSibling(f.getFileName() + ".json"), mutatedBytes(utf8(GOOD)));
            case 3 -> Files.write(f.resolveSibling(f.getFileName() + ".npy"), npy());
            case 4 -> Files.write(f.resolveSibling(f.getFileName() + ".npy"), mutatedBytes(npy()));
            default -> Files.write(f.resolveSibling(f.getFileName() + (random.nextBoolean() ? ".npz" : ".bin")), npz());
        };
    }

    /** The good inputs with one part made hostile: shapes, nesting, escapes, values, ragged data. */
    private String mutatedJson() {
        String[] shapes = {"[-5, -3]", "[null, 3]", "[\"a\", \"b\"]", "[5.7]", "[0, 3]", "[2305843009213693953, 1]", "[1e300, 1]",
            "[2, 3, 4]", "[]", "3", "[2147483648, 2]"};
        return switch (random.nextInt(8)) {
            case 0 -> GOOD.replace("\"data\": [[1,2,3],[4,5,6]]", "\"shape\": " + shapes[random.nextInt(shapes.length)] + ", \"data\": [1,2,3,4,5,6]");
            case 1 -> GOOD.replace("[[1,2,3],[4,5,6]]", "[".repeat(random.nextInt(200_000)) + "1" + "]".repeat(random.nextInt(3)));
            case 2 -> GOOD.replace("\"x\"", "\"\\u" + "zz0G".substring(random.nextInt(4)) + "\"");
            case 3 -> GOOD.replace("[0, 2]", "[" + (random.nextInt(20) - 10) + ", " + (random.nextBoolean() ? "1e10" : "0.5") + "]");
            case 4 -> GOOD.replace("[[1,2,3],[4,5,6]]", "[[1,2,3],[4,5" + ",7".repeat(random.nextInt(3)) + "]]");
            case 5 -> GOOD.replace("[true, false]", random.nextBoolean() ? "[2, 0]" : "[NaN, Infinity]");
            case 6 -> GOOD.substring(0, random.nextInt(GOOD.length()));
            default -> GOOD.replace("\"B\",\"A\"", UNICODE[random.nextInt(UNICODE.length)] + "\",\"A");
        };
    }

    private byte[] mutatedBytes(byte[] b) {
        byte[] out = b.length > 0 && random.nextBoolean() ? Arrays.copyOf(b, random.nextInt(b.length)) : b.clone();
        for (int k = random.nextInt(6); k > 0 && out.length > 0; k--) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
    }

    /** An .npy whose header may lie: versions, dtypes, shapes (negative, huge, overflowing), data too short or long. */
    private byte[] npy() {
        String[] descr = {"<f4", "<f8", ">i4", "|b1", "<u4", "<f99999999999", "<c8", "|O", "<f2"};
        String[] shape = {"(2, 3)", "(2,)", "(-5, -3)", "(2305843009213693953,)", "(402653184,)", "(0,)", "()", "(2, 3, 4)",
            "(a, b)", "(99999999999999999999,)"};
        String header = "{'descr': '" + descr[random.nextInt(descr.length)] + "', 'fortran_order': " + (random.nextBoolean() ? "False" : "True")
                + ", 'shape': " + shape[random.nextInt(shape.length)] + ", }\n";
        int version = 1 + random.nextInt(4);
        byte[] data = new byte[random.nextInt(64)];
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        int length = random.nextInt(10) == 0 ? random.nextInt() : header.length();
        if (version == 1) {
            b.putShort((short) length);
        } else {
            b.putInt(length);
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** An .npz of good and bad entries, possibly cut short. */
    private byte[] npz() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("x.npy"));
            z.write(random.nextBoolean() ? Npy.write(new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}, true) : npy());
            z.closeEntry();
            z.putNextEntry(new ZipEntry(random.nextBoolean() ? "a.npy" : "../../a.npy"));
            z.write(Npy.write(new long[] {2}, new double[] {0, random.nextInt(5) - 1}, false));
            z.closeEntry();
        }
        byte[] b = out.toByteArray();
        return random.nextInt(3) == 0 ? Arrays.copyOf(b, random.nextInt(b.length)) : random.nextInt(3) == 0 ? mutatedBytes(b) : b;
    }
}
