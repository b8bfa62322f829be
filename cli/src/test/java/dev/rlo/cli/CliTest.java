package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.resolve.LoadedModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rlo check} end to end: exit codes, output formats, directories, the import path. */
class CliTest {

    record Run(int code, String out, String err) { }

    /** The command line of the rlo CLI in a child JVM with this one's flags and class path. */
    static java.util.List<String> childCommand(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(java.util.Arrays.asList(args));
        return cmd;
    }

    static Run rlo(String... args) {
        return rlo(CommandLine.defaultFactory(), args);
    }

    /** A factory of rlo's commands in which {@code check} is {@code command}: the seam where tests make a command fail. */
    static CommandLine.IFactory withCheck(CheckCommand command) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == CheckCommand.class ? cls.cast(command) : CommandLine.defaultFactory().create(cls);
            }
        };
    }

    static Run rlo(CommandLine.IFactory factory, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), factory);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theExamplesAndTheStdlibCheckCleanly() {
        Run r = rlo("check", "--no-cache", "../examples", "../stdlib");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s)checked \\d+ files in [0-9.]+ s: no errors\\n"), r.out());
    }

    /** A sweep's configurations are checked against their loops, and a mismatch is reported at the swept value. */
    @Test
    void sweepsAreCheckedConfigurationByConfiguration(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sweep.rlo");
        String example = Files.readString(Path.of("../examples/sweep-ppo-vs-spo.rlo"));
        Files.writeString(file, example.replace("  eps       = [0.1, 0.2]", "  loop.minibatches = [1, 3]"));
        long line = example.lines().takeWhile(l -> !l.startsWith("  eps ")).count() + 1;
        Run r = rlo("check", "--no-cache", file.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("sweep.rlo:" + line + ":26: error: `minibatches` of `on_policy` takes a divisor of steps × envs"
                + " = 256"), r.out());
        assertTrue(r.out().endsWith(": 1 error in 1 file\n"), r.out());
    }

    /**
     * A train block's arguments are checked as {@code rlo train} reads them (spec/train.md#arguments):
     * a misspelt one at its name, with the nearest that exists; one out of its range at its value.
     */
    @Test
    void trainBlockArgumentsAreCheckedAsTrainReadsThem(@TempDir Path dir) throws IOException {
        String example = Files.readString(Path.of("../examples/ppo-cartpole.rlo"));
        String misspelt = example.replace("epochs: 20,", "epoch: 20,").replace("adam(lr: 1e-3,", "adam(lr: 0,");
        Path file = dir.resolve("t.rlo");
        Files.writeString(file, misspelt);
        java.util.List<String> lines = misspelt.lines().toList();
        int loop = lines.indexOf(lines.stream().filter(l -> l.startsWith("  loop ")).findFirst().orElseThrow());
        int optimizer = lines.indexOf(lines.stream().filter(l -> l.startsWith("  optimizer ")).findFirst().orElseThrow());
        Run r = rlo("check", "--no-cache", file.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("t.rlo:" + (loop + 1) + ":" + (lines.get(loop).indexOf("epoch:") + 1)
                + ": error: `on_policy` has no argument `epoch`"), r.out());
        assertTrue(r.out().contains("= hint: did you mean `epochs`? it takes steps, epochs, minibatches, advantages"), r.out());
        assertTrue(r.out().endsWith(": 1 error in 1 file\n"), "the first mismatch of a block is reported: " + r.out());

        Files.writeString(file, example.replace("adam(lr: 1e-3,", "adam(lr: 0,"));
        r = rlo("check", "--no-cache", file.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("t.rlo:" + (optimizer + 1) + ":" + (lines.get(optimizer).indexOf("lr: 0") + 5)
                + ": error: `lr` of `adam` takes a learning rate above 0"), r.out());
    }

    @Test
    void errorsExitWithOneAndAreListedWithTheirCodes(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.rlo");
        Files.writeString(bad, "objective o(x: f32[B] grad) {\n  mean(x, over: K) + y\n}\n");
        Run r = rlo("check", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains(":2:17: error[E011]: unknown dimension `K`"), r.out());
        assertTrue(r.out().contains(":2:22: error[E010]: unknown name `y`"), r.out());
        assertTrue(r.out().endsWith(": 2 errors in 1 file\n"), r.out());
    }

    @Test
    void jsonGivesOneRecordPerDiagnostic(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.rlo"), "objective o(x: f32[B] grad) { mean(y) }\n");
        Run r = rlo("check", "--format", "json", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("[\n  {\"file\": "), r.out());
        assertTrue(r.out().contains("\"line\": 1, \"column\": 36, \"endLine\": 1, \"endColumn\": 37, \"severity\": \"error\", "
                + "\"code\": \"E010\", \"message\": \"unknown name `y`\""), r.out());
        assertFalse(r.out().contains("checked"), "json output has no summary line");
    }

    @Test
    void typesListsTheInferredShapes() {
        Run r = rlo("check", "--types", "../examples/qr-dqn.rlo");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("  let     u           f32[B,M,N]\n"), r.out());
    }

    @Test
    void directoriesAreSearchedSkippingBuildOutput(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("sub/deeper/a.rlo"), "fn f(x: f32) -> f32 { x }\n");
        Files.writeString(dir.resolve("b.rlo"), "fn g(x: f32) -> f32 { x }\n");
        Files.writeString(dir.resolve("target/broken.rlo"), "fn (\n");
        Files.writeString(dir.resolve("notes.txt"), "not rlo");
        Run r = rlo("check", dir.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("checked 2 files"), r.out());
    }

    @Test
    void pathAddsAnImportDirectory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("lib/losses"));
        Files.writeString(dir.resolve("lib/losses/sq.rlo"), "fn sq(x: f32) -> f32 { x * x }\n");
        Path main = dir.resolve("main.rlo");
        Files.writeString(main, "import losses.sq.{sq}\nobjective o(x: f32[B] grad) { mean(sq(x)) }\n");
        assertEquals(1, rlo("check", main.toString()).code());
        assertEquals(0, rlo("check", "--path", dir.resolve("lib").toString(), main.toString()).code());
    }

    @Test
    void gradcheckPassesOnTheExamplesAndFailsAboveItsTolerance() {
        Run ok = rlo("gradcheck", "../examples/qr-dqn.rlo", "--dim", "N=4");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("  z   ") && ok.out().endsWith("passed (tolerance 1.0E-6)\n"), ok.out());
        Run strict = rlo("gradcheck", "../examples/qr-dqn.rlo", "--tolerance", "0");
        assertEquals(1, strict.code(), strict.out());
        assertTrue(strict.out().contains("FAIL"), strict.out());
    }

    @Test
    void compileEmitsTheIr() {
        Run r = rlo("compile", "../examples/qr-dqn.rlo", "--emit", "ir");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("graph qr_dqn\n  input z : f32[B,A,N] grad\n"), r.out());
        assertTrue(r.out().contains("  grad z = %"), r.out());
        Run several = rlo("compile", "../examples/qae.rlo", "--emit", "ir");
        assertEquals(1, several.code());
        assertEquals("rlo: ../examples/qae.rlo has 2 objectives (grpo, qae); choose one with --objective\n", several.err());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, rlo().code());
        assertEquals(2, rlo("check").code());
        assertEquals(2, rlo("check", "--format", "xml", "../examples").code());
        Run missing = rlo("check", "no/such/file.rlo");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file or directory: no/such/file.rlo"), missing.err());
    }

    @Test
    void helpAndVersionExitWithZero() {
        assertEquals(0, rlo("--help").code());
        Run v = rlo("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("rlo "), v.out());
    }

    @Test
    void anInternalErrorApologisesInOneLineAndExitsWithThree() {
        CheckCommand failing = new CheckCommand() {
            @Override
            LoadedModule check(Session session, Path file) {
                throw new IllegalStateException("simulated compiler bug");
            }
        };
        Run r = rlo(withCheck(failing), "check", "--no-cache", "../examples/qae.rlo");
        assertEquals(3, r.code());
        assertEquals("rlo: internal error while checking ../examples/qae.rlo: java.lang.IllegalStateException: simulated"
                + " compiler bug. This is a bug in rlo; please report it (run with --debug for the stack trace).\n", r.err());
        Run debug = rlo(withCheck(failing), "check", "--no-cache", "--debug", "../examples/qae.rlo");
        assertEquals(3, debug.code());
        assertTrue(debug.err().contains("\tat "), "--debug prints the stack trace");
    }
}
