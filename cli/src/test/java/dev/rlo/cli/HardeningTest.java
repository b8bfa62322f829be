package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.resolve.LoadedModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening cases (../shared/reference/hardening-cases.md) through the commands, as a user runs
 * them: each bad input is one clear line or located diagnostics with the documented exit code,
 * never a trace or an internal error. The case numbers are the file's; the exact texts of errors
 * found below the CLI are tested next to their code (LimitsTest, SourceTextTest, InputFilesTest,
 * CheckpointTest).
 */
class HardeningTest {

    static final String DQN = "../examples/dqn-cartpole.rlo";

    @TempDir
    Path tmp;

    static void noTrace(CliTest.Run r) {
        assertFalse((r.out() + r.err()).contains("\tat ") || r.err().contains("Exception") || r.err().contains("rlo: internal error"),
                () -> r.out() + r.err());
    }

    private Path file(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    // ---- F1, F7: deep and huge programs ------------------------------------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void deepProgramsAreLocatedErrorsInEveryCommand() throws IOException {
        Path deep = file("deep.rlo", "objective o(x: f32[B] grad) {\n  mean(" + "(".repeat(10_000) + "x" + ")".repeat(10_000) + ")\n}\n");
        CliTest.Run check = CliTest.rlo("check", "--no-cache", deep.toString());
        assertEquals(1, check.code(), check.err());
        assertTrue(check.out().contains("deep.rlo:2:1008: error[E090]: expressions nest more than 1000 levels deep here"), check.out());
        assertTrue(check.out().endsWith(": 1 error in 1 file\n"), check.out());
        noTrace(check);
        for (String command : List.of("gradcheck", "eval", "compile")) {
            CliTest.Run r = command.equals("compile") ? CliTest.rlo(command, deep.toString(), "--emit", "ir") : CliTest.rlo(command, deep.toString());
            assertEquals(1, r.code(), command + ": " + r.err());
            assertTrue(r.out().contains("error[E090]"), command + ": " + r.out());
            noTrace(r);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void exponentialInliningIsRefusedBeforeCompiling() throws IOException {
        int n = 30;
        Path blow = file("blow.rlo", IntStream.range(0, n)
                .mapToObj(i -> "fn h" + i + "(x: f32) -> f32 { h" + (i + 1) + "(x) + h" + (i + 1) + "(x * 2) }\n").collect(Collectors.joining())
                + "fn h" + n + "(x: f32) -> f32 { x }\nobjective o(x: f32[B] grad) { mean(h0(x)) }\n");
        CliTest.Run r = CliTest.rlo("gradcheck", blow.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("error[E091]: `h13` expands to more than 1,000,000 operations once its calls are inlined"), r.out());
    }

    /** F1: check never says "no errors" beside an internal error, whatever the error (here a stack overflow). */
    @Test
    void anInternalErrorIsNeverNoErrors() {
        CheckCommand overflowing = new CheckCommand() {
            @Override
            LoadedModule check(Session session, Path file) {
                throw new StackOverflowError();
            }
        };
        CliTest.Run r = CliTest.rlo(CliTest.withCheck(overflowing), "check", "--no-cache", "../examples/qae.rlo");
        assertEquals(3, r.code());
        assertFalse(r.out().contains("no errors"), r.out());
        assertTrue(r.out().endsWith(": 1 file not checked (internal error)\n"), r.out());
    }

    /** One place turns whatever a command throws into one line: an Error is no JVM trace, and exit 3 (or 1 for memory). */
    @Test
    void errorsThrownByAnyCommandAreOneLine() {
        for (Throwable t : List.of(new StackOverflowError(), new OutOfMemoryError("Java heap space"), new IllegalStateException("bug"))) {
            CheckCommand throwing = new CheckCommand() {
                @Override
                public Integer call() {
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) t;
                }
            };
            CliTest.Run r = CliTest.rlo(CliTest.withCheck(throwing), "check", DQN);
            assertEquals(1, r.err().lines().count(), r.err());
            if (t instanceof OutOfMemoryError) {
                assertEquals(1, r.code());
                assertTrue(r.err().startsWith("rlo: out of memory (the JVM may use "), r.err());
            } else {
                assertEquals(3, r.code());
                assertEquals("rlo: internal error: " + t + ". This is a bug in rlo; please report it (run with --debug for the stack trace).\n", r.err());
            }
        }
    }

    // ---- F2: sizes for gradcheck -------------------------------------------------------------------

    @Test
    void gradcheckSizesAreChecked() throws IOException {
        String[][] cases = {
            {"B=100000000000", "rlo: input `q` of shape [100000000000, 3] has 300000000000 elements; a tensor has at most 2147483639"},
            {"B=-1", "rlo: dimension B has size -1; a dimension has at least one element"},
            {"B=0", "rlo: dimension B has size 0; a dimension has at least one element"},
            {"B=2147483648", "rlo: input `q` of shape [2147483648, 3] has 6442450944 elements; a tensor has at most 2147483639"},
            {"B=4294967299", "rlo: input `q` of shape [4294967299, 3] has 12884901897 elements; a tensor has at most 2147483639"},
            {"A=0", "rlo: dimension A has size 0; a dimension has at least one element"},
            {"A=3000000000", "rlo: input `q` of shape [3, 3000000000] has 9000000000 elements; a tensor has at most 2147483639"},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.rlo("gradcheck", DQN, "--dim", c[0]);
            assertEquals(1, r.code(), c[0] + ": " + r.err());
            assertEquals(c[1] + "\n", r.err(), c[0]);
        }
        /* one dimension of 10^9: 8 GB of f64 values is more than half of the test JVM's heap unless it has 16 GB */
        Path one = file("one.rlo", "objective o(x: f32[B] grad) { mean(x) }\n");
        if (Runtime.getRuntime().maxMemory() < 16_000_000_000L) {
            CliTest.Run r = CliTest.rlo("gradcheck", one.toString(), "--dim", "B=1000000000");
            assertEquals(1, r.code());
            assertTrue(r.err().startsWith("rlo: input `x` of shape [1000000000] needs 7.5 GiB as f64, more than half the memory"), r.err());
        }
        CliTest.Run negative = CliTest.rlo("gradcheck", one.toString(), "--max-elements", "-5");
        assertEquals(2, negative.code());
        assertTrue(negative.err().startsWith("--max-elements must be at least 1, not -5\n"), negative.err());
        String dims25 = IntStream.range(0, 25).mapToObj(i -> "D" + i).collect(Collectors.joining(","));
        CliTest.Run rank25 = CliTest.rlo("gradcheck", file("r25.rlo", "objective o(x: f32[" + dims25 + "] grad) { mean(x) }\n").toString());
        assertEquals(1, rank25.code());
        assertTrue(rank25.err().endsWith(" has more than 2^63 elements; a tensor has at most 2147483639\n"), rank25.err());
        String dims2000 = IntStream.range(0, 2000).mapToObj(i -> "D" + i).collect(Collectors.joining(","));
        CliTest.Run rank2000 = CliTest.rlo("gradcheck", file("r2000.rlo", "objective o(x: f32[" + dims2000 + "] grad) { mean(x) }\n").toString());
        assertEquals(1, rank2000.code());
        assertEquals("rlo: input `x` has 2000 dimensions; a tensor has at most 32\n", rank2000.err());
    }

    // ---- F12–F19: input files ---------------------------------------------------------------------

    static final String INPUTS = """
            {"inputs": {"q": {"dims": ["B","A"], "data": [[1,2,3],[4,5,6]]}, "q_next": {"dims": ["B","A"], "data": [[1,2,3],[4,5,6]]},
                        "q_next_online": {"dims": ["B","A"], "data": [[1,2,3],[4,5,6]]}, "action": {"dims": ["B"], "data": ACTION},
                        "reward": {"dims": ["B"], "data": [1, 0]}, "terminated": {"dims": ["B"], "data": [false, true]}}}""";

    private CliTest.Run eval(String json, String... more) throws IOException {
        Path f = file("in.json", json);
        String[] args = new String[3 + more.length];
        args[0] = "eval";
        args[1] = DQN;
        args[2] = "--inputs=" + f;
        System.arraycopy(more, 0, args, 3, more.length);
        return CliTest.rlo(args);
    }

    @Test
    void inputFilesAreOneLine() throws IOException {
        assertEquals(0, eval(INPUTS.replace("ACTION", "[0, 2]")).code());
        /* F16: an index out of range names its input */
        CliTest.Run index = eval(INPUTS.replace("ACTION", "[0, 7]"));
        assertEquals(1, index.code());
        assertEquals("rlo: input `action` has the index 7 at [B=1], out of range for dimension A of size 3\n", index.err());
        CliTest.Run negative = eval(INPUTS.replace("ACTION", "[-1, 0]"));
        assertEquals("rlo: input `action` has the index -1 at [B=0], out of range for dimension A of size 3\n", negative.err());
        /* issue 15: an index the program computes is located where the source wrote the gather */
        Path shifted = file("shifted.rlo", "fn shifted(q: f64[B, A], a: i32[B]) -> f64 {\n  sum(q[A = a + 1], over: B)\n}\n");
        Path in = file("shifted.json", "{\"inputs\": {\"q\": {\"dims\": [\"B\", \"A\"], \"data\": [[1, 2, 3]]}, "
                + "\"a\": {\"dims\": [\"B\"], \"data\": [2]}}}");
        CliTest.Run computed = CliTest.rlo("eval", shifted.toString(), "--inputs=" + in);
        assertEquals(1, computed.code());
        assertEquals("rlo: " + shifted + ":2:7: index 3 is out of range for dimension A of size 3, in `q[A = a + 1]`\n", computed.err());
        /* F12, F13, F14, F15 */
        for (String bad : List.of(INPUTS.replace("ACTION", "[0, 1]").replace("\"reward\": {\"dims\": [\"B\"],", "\"reward\": {\"dims\": [\"B\"], \"shape\": [\"a\"],"),
                INPUTS.replace("ACTION", "[0, 1]").replace("[[1,2,3],[4,5,6]]}, \"q_next\"", "[[1,2,3],[4,5]]}, \"q_next\""),
                "{\"inputs\": {\"re\\uzzzzward\": 1}}",
                "{\"inputs\": {\"reward\": {\"dims\": [\"B\"], \"data\": " + "[".repeat(100_000) + "}}}")) {
            CliTest.Run r = eval(bad);
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("rlo: " + tmp.resolve("in.json")), r.err());
        }
        /* F18: a missing .npy is bad usage, said once */
        CliTest.Run missing = eval(INPUTS.replace("ACTION", "[0, 1]"), "--input", "reward=does_not_exist.npy");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("no such file: does_not_exist.npy\n"), missing.err());
    }

    /** F19: an .npz archive is recognised by its content, whatever its name. */
    @Test
    void anArchiveWithoutItsSuffixIsRead() throws IOException {
        Path json = file("in.json", INPUTS.replace("ACTION", "[0, 2]"));
        String loss = CliTest.rlo("eval", DQN, "--inputs", json.toString()).out().lines().findFirst().orElseThrow();
        Path npz = tmp.resolve("inputs.bin");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
            double[][] rows = {{1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}, {0, 2}, {1, 0}, {0, 1}};
            String[] names = {"q", "q_next", "q_next_online", "action", "reward", "terminated"};
            for (int i = 0; i < names.length; i++) {
                zip.putNextEntry(new java.util.zip.ZipEntry(names[i] + ".npy"));
                zip.write(dev.rlo.compiler.io.Npy.write(i < 3 ? new long[] {2, 3} : new long[] {2}, rows[i], false));
                zip.closeEntry();
            }
        }
        CliTest.Run r = CliTest.rlo("eval", DQN, "--inputs", npz.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(loss, r.out().lines().findFirst().orElseThrow());
    }

    // ---- F24, F5: what check reads -----------------------------------------------------------------

    @Test
    void linksToOtherFilesAreNotShown() throws IOException {
        Path secret = file("secret.txt", "API_KEY=hunter2-top-secret\n");
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Files.createSymbolicLink(lib.resolve("leak.rlo"), secret);
        Path x = file("x.rlo", "import leak.{x}\nobjective o(y: f32[B] grad) { mean(y) }\n");
        CliTest.Run imported = CliTest.rlo("check", "--no-cache", "--path", lib.toString(), x.toString());
        assertFalse((imported.out() + imported.err()).contains("hunter2"), imported.out() + imported.err());
        assertEquals(2, imported.code());
        assertTrue(imported.err().contains("leak.rlo: it links to " + secret.toRealPath() + ", which is not an .rlo file"), imported.err());

        Path dir = Files.createDirectories(tmp.resolve("checked"));
        Files.createSymbolicLink(dir.resolve("environ.rlo"), Path.of("/proc/self/environ"));
        Files.writeString(dir.resolve("good.rlo"), "objective o(y: f32[B] grad) { mean(y) }\n");
        Files.writeString(dir.resolve("typo.rlo"), "objective o(y: f32[B] grad) { mean(z) }\n");
        Files.write(dir.resolve("latin1.rlo"), "objective o(y: f32[B] grad) { mean(y) } // caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliTest.Run walked = CliTest.rlo("check", "--no-cache", dir.toString());
        String all = walked.out() + walked.err();
        assertFalse(all.contains(System.getenv().getOrDefault("PATH", "PATH=")), all);
        assertEquals(2, walked.code(), all);
        assertTrue(walked.err().contains("environ.rlo: it links to /proc/"), walked.err());
        /* 43 characters, then "caf": the byte 0xE9 is the 47th */
        assertTrue(walked.out().contains("latin1.rlo:1:47: error[E006]"), walked.out());
        assertTrue(walked.out().contains("typo.rlo:1:36: error[E010]"), walked.out());
        assertTrue(walked.out().endsWith(": 2 errors in 2 files, 1 file not read\n"), walked.out());
    }

    // ---- F25: compile -o stays inside its directory -------------------------------------------------

    @Test
    void compileWritesOnlyInsideItsOutputDirectory() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("w/src"));
        Files.writeString(src.resolve("...rlo"), "objective evil(x: f32[B] grad) { mean(x) }\n");
        Files.writeString(src.resolve(".rlo"), "objective hidden(x: f32[B] grad) { mean(x) }\n");
        Files.writeString(src.resolve("fine.rlo"), "objective fine(x: f32[B] grad) { mean(x) }\n");
        Path out = tmp.resolve("w/out");
        for (Path given : List.of(src.resolve("...rlo"), src)) {
            CliTest.Run r = CliTest.rlo("compile", given.toString(), "--emit", "ir", "-o", out.toString());
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("...rlo: its name leaves no folder for its artifacts inside " + out), r.out());
        }
        try (var files = Files.walk(tmp.resolve("w"))) {
            List<Path> outside = files.filter(Files::isRegularFile).filter(p -> !p.startsWith(src) && !p.startsWith(out)).toList();
            assertEquals(List.of(), outside);
        }
        assertTrue(Files.isRegularFile(out.resolve("fine/fine.ir")));
    }

    // ---- F26: the REPL's load ---------------------------------------------------------------------

    @Test
    void loadingADeviceIsAnErrorAndTheSessionGoesOn() throws IOException {
        Path script = file("s.repl", "let z = load(\"/dev/zero\", dims: [B])\nlet y = [1, 2] : f32[B]\nsum(y)\n");
        CliTest.Run r = CliTest.rlo("repl", "--script", script.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("error: /dev/zero is not a valid .npy file: it does not start with the .npy magic string\n"), r.out());
        assertTrue(r.out().contains("f32 = 3\n"), r.out());
    }

    // ---- F27: the check cache ---------------------------------------------------------------------

    @Test
    void aDamagedOrHostileCacheEntryIsNotTrusted() throws IOException {
        Path bad = file("bad.rlo", "objective o(x: f32[B] grad) { mean(y) }\n");
        Path cache = tmp.resolve("cache");
        assertEquals(1, CliTest.rlo("check", "--cache", cache.toString(), bad.toString()).code());
        Path entry;
        try (var entries = Files.list(cache)) {
            entry = entries.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String valid = Files.readString(entry);
        Files.writeString(entry, "[".repeat(200_000));
        CliTest.Run again = CliTest.rlo("check", "--cache", cache.toString(), bad.toString());
        assertEquals(1, again.code(), again.err());
        assertTrue(again.out().contains("error[E010]: unknown name `y`"), again.out());
        assertFalse(again.out().contains("from the cache"), "checked again");
        Files.writeString(entry, valid.replace("unknown name `y`", "unknown name `\\u001b[2J\\u001b]0;pwned\\u0007`"));
        CliTest.Run escaped = CliTest.rlo("check", "--cache", cache.toString(), bad.toString());
        assertTrue(escaped.out().contains("from the cache"), escaped.out());
        assertTrue(escaped.out().contains("unknown name `\u241b[2J\u241b]0;pwned\u2407`"), escaped.out());
        assertFalse(escaped.out().contains("\u001b"), "no raw escape reaches the terminal");
    }
}
