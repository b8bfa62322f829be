package dev.rlo.cli.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REPL driven as a script and through a dumb terminal: every command, bindings of each kind,
 * definitions over several lines, and errors, which print with their codes and carets and leave
 * the session running. Expected values are worked by hand beside each input.
 */
class ReplTest {

    @TempDir
    Path dir;

    /** The transcript of {@code inputs} run as a script in {@link #dir}. */
    private String transcript(String... inputs) throws IOException {
        Session s = new Session(dir, List.of());
        StringWriter out = new StringWriter();
        Console.script(s, new BufferedReader(new StringReader(String.join("\n", inputs) + "\n")), new PrintWriter(out));
        return out.toString();
    }

    @Test
    void bindingsPrintWithTheirDtypeAndNamedShape() throws IOException {
        String t = transcript(
                "let r = [[1, 0, 1, 0], [0, 0, 1, 1]] : f32[G,K]",
                "mean(r, over: K)",                     // both rows have two 1s in four: 0.5
                "let z = zeros[B=2]",
                "let o = ones[B=2]()",
                "z + o",
                "let n = [3, 4] : i32[B]",
                "n * 2");
        assertTrue(t.contains("rlo> let r = [[1, 0, 1, 0], [0, 0, 1, 1]] : f32[G,K]\nr: f32[G,K] = [[1, 0, 1, 0], [0, 0, 1, 1]]\n"), t);
        assertTrue(t.contains("rlo> mean(r, over: K)\nf32[G] = [0.5, 0.5]\n"), t);
        assertTrue(t.contains("rlo> z + o\nf32[B] = [1, 1]\n"), t);
        assertTrue(t.contains("rlo> n * 2\ni32[B] = [6, 8]\n"), t);
    }

    @Test
    void randomTensorsAreSeededAndLargeOnesSummarised() throws IOException {
        String a = transcript("let x = randn[B=3, T=2](seed: 7)");
        String b = transcript("let x = randn[B=3, T=2](seed: 7)");
        assertEquals(a, b);
        assertTrue(a.contains("x: f32[B,T] = [["), a);
        String big = transcript("let u = rand[B=100, T=10](seed: 1)", "u * 0 + 1");
        /* NumPy's summary of np.ones((100, 10), np.int32) but for the named shape: 3 rows and columns at each end */
        String row = " [1, 1, 1, ..., 1, 1, 1]";
        assertTrue(big.contains("rlo> u * 0 + 1\nf32[B=100, T=10] =\n[" + row.strip() + ",\n" + row + ",\n" + row + ",\n ...,\n"
                + row + ",\n" + row + ",\n" + row + "]\n"), big);
    }

    @Test
    void randomTensorsComposeInsideExpressions() throws IOException {
        String t = transcript("let z = zeros[B=2] * 3 + ones[B=2]", "sum(ones[T=5]) + y");
        assertTrue(t.contains("z: f32[B] = [1, 1]\n"), t);
        /* the error points at `y` where it was typed, past the substituted ones[T=5] */
        assertTrue(t.contains("repl:1:18: error[E010]: unknown name `y`"), t);
    }

    @Test
    void npyFilesLoadWithNamedDimensions() throws IOException {
        Files.write(dir.resolve("x.npy"), dev.rlo.compiler.io.Npy.write(new long[] {2, 2}, new double[] {1, 2, 3, 4}, true));
        String t = transcript("let x = load(\"x.npy\", dims: [B, T])", "sum(x, over: T)");
        assertTrue(t.contains("x: f32[B,T] = [[1, 2], [3, 4]]\n"), t);
        assertTrue(t.contains("f32[B] = [3, 7]\n"), t);
    }

    @Test
    void everyCommand() throws IOException {
        Files.writeString(dir.resolve("baselines.rlo"), """
                /// GRPO's baseline: the group mean.
                fn grpo_base(r: f32[G,K]) -> f32[G] {
                  mean(r, over: K)
                }
                """);
        String t = transcript(
                "let r = [[1, 0, 1, 0], [0, 0, 1, 1]] : f32[G,K]",
                ":type r - mean(r, over: K)",
                // Σ_K (r − mean)² per row = 4 · 0.25 = 1, summed over G: 2; d/dr = 2 (r − mean) (the mean's own term sums to 0)
                ":grad sum((r - mean(r, over: K)) ** 2) wrt r",
                ":ir r * 2",
                ":plan mean(r, over: K)",
                ":kernels r * 2",
                ":kernels r * 2 cuda",
                ":time sum(r)",
                ":backend reference",
                "sum(r)",
                ":backend",
                ":load baselines.rlo",
                "grpo_base(r)",
                ":reload",
                ":env",
                ":help",
                ":quit",
                "sum(r)");
        assertTrue(t.contains("rlo> :type r - mean(r, over: K)\nf32[G,K]\n"), t);
        assertTrue(t.contains("d sum((r - mean(r, over: K)) ** 2) / d r: f32[G,K] = [[1, -1, 1, -1], [-1, -1, 1, 1]]\n"), t);
        assertTrue(t.contains("rlo> :ir r * 2\n"), t);
        assertTrue(t.contains("report value"), t);
        assertTrue(t.contains("plan _repl: "), t);
        assertTrue(t.contains("final class"), t);
        assertTrue(t.contains("extern \"C\" __global__ void k"), t);
        assertTrue(t.matches("(?s).*median [0-9.]+ ms of 21 runs on cpu.*"), t);
        assertTrue(t.contains("rlo> :backend reference\nbackend: reference\nrlo> sum(r)\nf32 = 4\nrlo> :backend\nbackend: reference\n"), t);
        assertTrue(t.contains("loaded " + dir.resolve("baselines.rlo") + ": grpo_base\n"), t);
        assertTrue(t.contains("rlo> grpo_base(r)\nf32[G] = [0.5, 0.5]\n"), t);
        assertTrue(t.contains("reloaded " + dir.resolve("baselines.rlo") + ": grpo_base\n"), t);
        assertTrue(t.contains("rlo> :env\nbackend: reference\nr: f32[G=2, K=4]\n:load " + dir.resolve("baselines.rlo") + "\n"), t);
        assertTrue(t.contains(":grad EXPR wrt NAME"), t);
        assertTrue(t.endsWith("rlo> :quit\n"), "nothing runs after :quit: " + t);
    }

    @Test
    void errorsShowCodesAndCaretsAndTheSessionGoesOn() throws IOException {
        String t = transcript(
                "let x = [1, 2] : f32[B]",
                "x * 2 + y",
                "mean(x, over: K)",
                "let bad = [[1, 2], [3]] : f32[B,T]",
                ":grad sum(x) wrt nothing",
                ":nope",
                "x + 1");
        assertTrue(t.contains("rlo> x * 2 + y\nrepl:1:9: error[E010]: unknown name `y`\n  |\n1 | x * 2 + y\n  |         ^\n"), t);
        assertTrue(t.contains("rlo> mean(x, over: K)\nrepl:1:"), t);
        assertTrue(t.contains("error: the literal is ragged"), t);
        assertTrue(t.contains("error: `nothing` is not bound; :env lists the bindings\n"), t);
        assertTrue(t.contains("error: unknown command :nope; the commands are :type"), t);
        assertTrue(t.endsWith("rlo> x + 1\nf32[B] = [2, 3]\n"), t);
    }

    /**
     * What :help explains and what :env lists are read by the grammar, not cut out of the text: a
     * topic that is not a name is a syntax error at its place, with a caret; a definition's header is
     * its whole signature however many lines it spans; a file named like a keyword is no module.
     */
    @Test
    void helpTopicsAndDefinitionsAreParsed() throws IOException {
        Files.writeString(dir.resolve("let.rlo"), "fn one() -> f32 { 1 }\n");
        String t = transcript(
                ":help std.kl.3",
                ":help std . kl . k3",
                ":help f32",
                "fn twice(v: f32[B],",
                "         w: f32[B]) -> f32[B] { v + w }",
                ":env",
                ":load let.rlo");
        assertTrue(t.contains("rlo> :help std.kl.3\nrepl:1:13: error[E001]: unexpected number `.3`"), t);
        assertTrue(t.contains("\n1 | :help std.kl.3\n  |             ^^\n"), t);
        assertTrue(t.contains("rlo> :help std . kl . k3\nfn k3("), "the topic's tokens, as in an import: " + t);
        assertTrue(t.contains("rlo> :help f32\nf32("), t);
        assertTrue(t.contains("rlo> :env\nbackend: cpu\nfn twice(v: f32[B], w: f32[B]) -> f32[B]\n"), t);
        assertTrue(t.contains("let.rlo cannot be loaded: its name is not a module name"), t);
    }

    @Test
    void blocksSpanLinesAndDefinitionsCanBeReplaced() throws IOException {
        String t = transcript(
                "let x = [1, 2] : f32[B]",
                "fn twice(v: f32[B]) -> f32[B] {",
                "  v * 2",
                "}",
                "twice(x)",
                "fn twice(v: f32[B]) -> f32[B] { v * 3 }",
                "twice(x)");
        assertTrue(t.contains("rlo> fn twice(v: f32[B]) -> f32[B] {\n...>   v * 2\n...> }\ndefined fn twice\nrlo> twice(x)\nf32[B] = [2, 4]\n"), t);
        assertTrue(t.endsWith("rlo> twice(x)\nf32[B] = [3, 6]\n"), t);
    }

    @Test
    void awkwardInputsAreErrorsNotCrashes() throws IOException {
        Files.writeString(dir.resolve("broken.rlo"), "fn f(x: f32[B]) -> f32[B] {\n  x * nope\n}\n");
        String t = transcript(
                "let operand = [1, 2] : f32[B]",
                "operand * 2",                               // not the random form `rand[…]` inside a name
                "let other = [1, 2, 3] : f32[B]",            // B = 3 here, 2 above: fine while not used together
                "sum(operand)",
                ":load broken.rlo",
                "let huge = zeros[B=100000, T=100000]",
                "/// A doc comment belongs to the definition after it.",
                "fn twice(v: f32[B]) -> f32[B] { v * 2 }",
                "twice(other)",
                "fn open(v: f32[B]) -> f32[B] {");
        assertTrue(t.contains("rlo> operand * 2\nf32[B] = [2, 4]\n"), t);
        assertTrue(t.contains("rlo> sum(operand)\nf32 = 3\n"), t);
        assertTrue(t.contains("broken.rlo:2:7: error[E010]: unknown name `nope`"), t);
        assertTrue(t.contains("repl:1:12: error: zeros[…] would hold 10000000000 values; the REPL makes at most 134217728\n"
                + "  |\n1 | let huge = zeros[B=100000, T=100000]\n  |            ^^^^^^^^^^^^^^^^^^^^^^^^^\n"), t);
        assertTrue(t.contains("...> fn twice(v: f32[B]) -> f32[B] { v * 2 }\ndefined fn twice\n"), t);
        assertTrue(t.contains("rlo> twice(other)\nf32[B] = [2, 4, 6]\n"), t);
        assertTrue(t.endsWith("rlo> fn open(v: f32[B]) -> f32[B] {\nerror: the input ends inside an open bracket\n"), t);
    }

    @Test
    void aDumbTerminalGetsPromptsResultsAndContinuationLines() throws IOException {
        String input = "let x = [1, 2] : f32[B]\nfn half(v: f32[B]) -> f32[B] {\n  v / 2\n}\nhalf(x)\nx + nope\n:quit\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("rlo", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), bytes, StandardCharsets.UTF_8)) {
            Console.interactive(new Session(dir, List.of()), terminal, dir.resolve("history"));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("rlo repl — :help for the commands"), out);
        assertTrue(out.contains("x: f32[B] = [1, 2]"), out);
        assertTrue(out.contains("defined fn half"), out);
        assertTrue(out.contains("f32[B] = [0.5, 1]"), out);
        assertTrue(out.contains("error[E010]: unknown name `nope`"), out);
        assertTrue(Files.readString(dir.resolve("history")).contains("half(x)"), "history is saved");
    }
}
