package dev.rlo.cli.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.cli.registry.Backends;
import dev.rlo.cli.registry.Emit;
import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.io.Npy;
import java.awt.image.BufferedImage;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REPL's tools (issue 15, item 12): inputs parsed by the grammar (a load in a comment is never
 * read), reports of the objectives an expression calls, :help from the spec and the doc comments,
 * :save, :plot, and completion after {@code (} and {@code over:}. Expected values are worked by hand
 * or by NumPy beside each input.
 */
class ReplToolsTest {

    @TempDir
    Path dir;

    private String transcript(String... inputs) throws IOException {
        return transcript(new Session(dir, List.of()), inputs);
    }

    private static String transcript(Session s, String... inputs) throws IOException {
        StringWriter out = new StringWriter();
        Console.script(s, new BufferedReader(new StringReader(String.join("\n", inputs) + "\n")), new PrintWriter(out));
        return out.toString();
    }

    /** Hardening case F26: the text after // is a comment, never a value to read. */
    @Test
    void aLoadInACommentIsNeverRead() throws IOException {
        String t = transcript("let s = 1 // load(\"/nonexistent/in-a-comment.npy\", dims: [B])");
        assertEquals("rlo> let s = 1 // load(\"/nonexistent/in-a-comment.npy\", dims: [B])\ns: i32 = 1\n", t);
    }

    /** Only the bindings an expression names become its inputs: b3's B of 3 does not meet a's B of 4 through a comment. */
    @Test
    void bindingsNamedOnlyInACommentAreNotInputs() throws IOException {
        String t = transcript("let a = [0.5, 0, -0.5, 0.1] : f32[B]", "let b3 = [1, 2, 3] : f32[B]", "a * 2 // b3");
        assertTrue(t.endsWith("rlo> a * 2 // b3\nf32[B] = [1, 0, -1, 0.2]\n"), t);
    }

    @Test
    void replValuesAreCheckedWhereTheyAreWritten() throws IOException {
        String t = transcript("let x = randn[B=2](sed: 1)", "fn bad(v: f32[B]) -> f32[B] { v + zeros[B=2] }", "let y = [[1, 2], [3]] : f32[A, B]",
                "let z = [1, x] : f32[B]", "let w = randn[B=2, B=3]");
        assertTrue(t.contains("rlo> let x = randn[B=2](sed: 1)\nrepl:1:20: error[E001]: `randn[…]` takes one argument, an integer seed\n"
                + "  |\n1 | let x = randn[B=2](sed: 1)\n  |                    ^^^^^^\n"), t);
        assertTrue(t.contains("repl:1:35: error: a tensor made from nothing belongs in an expression or a let, not in a definition"), t);
        assertTrue(t.contains("repl:1:18: error: the literal is ragged: every list at depth 1 must hold 2 items"), t);
        assertTrue(t.contains("repl:1:13: error: a typed literal holds numbers, true and false, not `x`"), t);
        assertTrue(t.contains("repl:1:20: error: dimension `B` is named twice"), t);
    }

    /** A tensor made in an expression whose size disagrees is shown where it was typed, named by its text, not a hidden name. */
    @Test
    void sizesThatDisagreePointAtTheTensorMadeInTheInput() throws IOException {
        String t = transcript("let a = [1, 2] : f32[B]", "a + ones[B=3]", "zeros[B=2] + ([1, 2, 3] : f32[B])");
        assertTrue(t.contains("rlo> a + ones[B=3]\nrepl:1:5: error: dimension B is 3 here but 2 in `a`\n  |\n1 | a + ones[B=3]\n"
                + "  |     ^^^^^^^^^\n"), t);
        assertTrue(t.contains("repl:1:15: error: dimension B is 3 here but 2 in `zeros[B=2]`"), t);
    }

    /**
     * ppo_clip on four samples with log-ratios 0.5, 0, −0.5, 0.1 and ε = 0.2: the ratios e^0.5 = 1.649 and
     * e^−0.5 = 0.607 are outside [0.8, 1.2], so clip_fraction = 2/4; approx_kl = mean(e^d − 1 − d) =
     * (0.148721 + 0 + 0.106531 + 0.005171) / 4 = 0.0651057 (NumPy in f32: 0.065105714).
     */
    @Test
    void anExpressionPrintsTheReportsOfTheObjectivesItCalls() throws IOException {
        String t = transcript("import std.policy.{ppo_clip}", "let logp = [0.5, 0, -0.5, 0.1] : f32[B]", "let old = zeros[B=4]",
                "let adv = [1, -1, 1, -1] : f32[B]", "ppo_clip(logp, old, adv)",
                "objective o(x: f32[B] grad) {", "  report top = max(x)", "  mean(x)", "}", "o(logp) + o(adv)");
        assertTrue(t.contains("report ppo_clip.clip_fraction: f32 = 0.5\n"), t);
        Matcher kl = Pattern.compile("report ppo_clip.approx_kl: f32 = ([0-9.e-]+)\n").matcher(t);
        assertTrue(kl.find(), t);
        assertEquals(0.0651057, Double.parseDouble(kl.group(1)), 1e-6);
        /* max of logp 0.5, of adv 1; the loss mean(logp) + mean(adv) = 0.025 + 0 */
        assertTrue(t.endsWith("rlo> o(logp) + o(adv)\nf32 = 0.025\nreport o.top: f32 = 0.5\nreport o#2.top: f32 = 1\n"), t);
    }

    @Test
    void helpShowsSignaturesAndDocsFromTheSpecAndTheDocComments() throws IOException {
        String t = transcript(":help mean", ":help std.kl.k3", ":help gae", "/// Twice the input.", "fn twice(v: f32[B]) -> f32[B] { v * 2 }",
                ":help twice", ":help nothing");
        /* spec/builtins.md: | `mean(x, over = all, by = none)` | float | arithmetic mean | */
        assertTrue(t.contains("rlo> :help mean\nmean(x, over = all, by = none) → float\n  arithmetic mean\n"), t);
        assertTrue(t.contains("rlo> :help std.kl.k3\nfn k3(logp: f32, ref_logp: f32) -> f32\n  (import std.kl.{k3})\n"
                + "  k3: the unbiased, non-negative estimator of KL(π_θ ‖ π_ref) used by GRPO.\n"), t);
        assertTrue(t.contains("rlo> :help gae\nfn gae(reward: f32[T], value: f32[T], next_value: f32[T], terminated: bool[T], "
                + "truncated: bool[T], gamma = 0.99, lambda = 0.95) -> f32[T]\n  (import std.advantage.{gae})\n"
                + "  Generalized Advantage Estimation (GAE), with terminations and truncations kept apart.\n"), t);
        assertTrue(t.contains("rlo> :help twice\nfn twice(v: f32[B]) -> f32[B]\n  (defined in this session)\n  Twice the input.\n"), t);
        assertTrue(t.contains("error: no builtin, definition or standard-library entry `nothing`"), t);
    }

    /** Every builtin's help has the result and meaning of its row in spec/builtins.md: the docs have one source. */
    @Test
    void everyBuiltinHasItsSpecRow() {
        List<String> missing = new ArrayList<>();
        for (Builtin b : Builtin.values()) {
            if (!Help.builtin(b).startsWith(b.signature() + " → ")) {
                missing.add(b.signature());
            }
        }
        assertEquals(List.of(), missing);
    }

    /** The files are byte for byte what numpy.save writes for the same arrays (hex from NumPy 2, cited below). */
    @Test
    void saveWritesNumPyFilesThatLoadBack() throws IOException {
        String t = transcript("let n = [[1, 2], [3, 4]] : i32[B, T]", ":save n n.npy", "let m = [true, false, true] : bool[B]", ":save m m.npy",
                "let back = load(\"n.npy\", dims: [B, T])", ":save nothing x.npy", ":save n");
        assertTrue(t.contains("saved n (i32[B=2, T=2]) to " + dir.resolve("n.npy") + "; load(\"n.npy\", dims: [B, T]) reads it back\n"), t);
        assertTrue(t.contains("back: i32[B,T] = [[1, 2], [3, 4]]\n"), t);
        assertTrue(t.contains("error: `nothing` is not bound"), t);
        assertTrue(t.endsWith("error: usage: :save NAME FILE.npy\n"), t);
        /* NumPy 1.24: io = BytesIO(); np.save(io, np.array([[1, 2], [3, 4]], dtype=np.int32)); io.getvalue().hex() */
        assertEquals("934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c2027"
                + "7368617065273a2028322c2032292c207d" + "20".repeat(58) + "0a" + "01000000020000000300000004000000",
                HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("n.npy"))));
        /* np.save(io, np.array([True, False, True])) */
        assertEquals("934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c2027"
                + "7368617065273a2028332c292c207d" + "20".repeat(60) + "0a" + "010001",
                HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("m.npy"))));
        assertEquals("|b1", Npy.read(dir.resolve("m.npy")).descr());
    }

    /** Whether the pixel is the chart's blue (lines and bars), not the white, grey grid or black text. */
    private static boolean blue(BufferedImage img, int x, int y) {
        int rgb = img.getRGB(x, y);
        return (rgb & 0xff) - (rgb >> 16 & 0xff) > 80;
    }

    @Test
    void plotDrawsALineForOneDimensionAndAHistogramForMore() throws IOException {
        String t = transcript("let ramp = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] : f32[N]", ":plot ramp", ":plot ones[G=10, K=10] * 3", ":plot sum(ramp)");
        assertTrue(t.contains("rlo> :plot ramp\nplotted " + dir.resolve("rlo-plot-1.png") + " (a line of 10 values over N)\n"), t);
        /* 100 values: ⌈√100⌉ = 10 bins */
        assertTrue(t.contains("plotted " + dir.resolve("rlo-plot-2.png") + " (a histogram of 100 values in 10 bins)\n"), t);
        assertTrue(t.endsWith("error: nothing to plot: sum(ramp) is a scalar, f32 = 45\n"), t);

        BufferedImage line = ImageIO.read(dir.resolve("rlo-plot-1.png").toFile());
        assertEquals(800, line.getWidth());
        int first = -1;
        int last = -1;
        for (int x = 0; x < line.getWidth(); x++) {
            for (int y = 0; y < line.getHeight(); y++) {
                if (blue(line, x, y)) {
                    first = first < 0 ? y : first;
                    last = y;
                }
            }
        }
        assertTrue(first > last, "the ramp rises from left to right: " + first + " " + last);

        /* every value is 3: one bar, in the middle bin of [2.5, 3.5] */
        BufferedImage hist = ImageIO.read(dir.resolve("rlo-plot-2.png").toFile());
        int columns = 0;
        for (int x = 0; x < hist.getWidth(); x++) {
            columns += blue(hist, x, 300) ? 1 : 0;
        }
        assertTrue(columns > 20 && columns < 100, "one bar a tenth of the plot wide: " + columns);
    }

    /** A reader on a dumb terminal, its parser and completer those of the interactive REPL. */
    private LineReader reader(Session s) {
        Terminal terminal;
        try {
            terminal = new DumbTerminal("rlo", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Console.reader(s, terminal, dir.resolve("history"));
    }

    /** What Tab offers at the end of {@code line}: the candidates that start with the word being typed. */
    private static Set<String> tab(LineReader reader, String line) {
        ParsedLine parsed = reader.getParser().parse(line, line.length(), Parser.ParseContext.COMPLETE);
        List<Candidate> all = new ArrayList<>();
        ((LineReaderImpl) reader).getCompleter().complete(reader, parsed, all);
        Set<String> out = new TreeSet<>();
        all.stream().map(Candidate::value).filter(v -> v.startsWith(parsed.word())).forEach(out::add);
        return out;
    }

    @Test
    void tabCompletesBoundNamesInCallsAndTheArgumentsDimensionsAfterOver() throws IOException {
        Session s = new Session(dir, List.of());
        transcript(s, "let r = [[1, 0], [0, 1]] : f32[G,K]", "let x = [1, 2, 3] : f32[B]", "let reward = [[1], [0]] : f32[G, E]");
        LineReader reader = reader(s);
        assertEquals(Set.of("r", "reward", "x"), tab(reader, "mean("));
        assertEquals(Set.of("r", "reward", "x"), tab(reader, "where(r > 0, "));
        assertTrue(tab(reader, "mean(r").containsAll(Set.of("r", "reward", "relu")), "with a prefix, every name that fits");
        assertEquals(Set.of("G", "K"), tab(reader, "mean(r, over: "));
        assertEquals(Set.of("G", "K"), tab(reader, "sum(r * 2, over:"));
        assertEquals(Set.of("E", "G"), tab(reader, "sum(reward + 1, over: [G, "));
        assertEquals(Set.of("B"), tab(reader, "let y = mean(x, over: "));
        assertEquals(Set.of(":type"), tab(reader, ":ty"));
        assertEquals(Set.of("mean", "masked_mean"), tab(reader, "sum(r) + m").stream().filter(w -> w.endsWith("mean"))
                .collect(java.util.stream.Collectors.toSet()));
        assertEquals(Set.of("std.advantage", "std.aggregate"), tab(reader, "import std.a"));
        assertTrue(tab(reader, ":grad mean(r, over: ").containsAll(Set.of("G", "K")));
        assertFalse(tab(reader, "mean(nope, over: ").contains("G"), "an argument that does not check offers nothing");
    }

    /** :backend, its completion and :kernels read the registries of backends and --emit kinds, as the CLI does. */
    @Test
    void backendsAndKernelSourcesComeFromTheRegistries() throws IOException {
        Session s = new Session(dir, List.of());
        assertEquals(Set.copyOf(Backends.names()), tab(reader(s), ":backend "));
        String t = transcript(s, "let r = [1, 2] : f32[B]", ":kernels r * 2", ":kernels r * 2 java", ":kernels r * 2 ir", ":backend gpu");
        String[] replies = t.split("rlo> ");
        assertEquals(replies[2].substring(replies[2].indexOf('\n')), replies[3].substring(replies[3].indexOf('\n')),
                "java is the default kernel source");
        assertTrue(t.contains("usage: :kernels EXPR [" + String.join("|", Emit.kernelSources().stream().map(Emit::name).toList()) + "]"), t);
        assertTrue(t.contains("no backend `gpu`; the backends are " + String.join(", ", Backends.names())), t);
        assertTrue(Session.HELP.contains(":backend [" + String.join("|", Backends.names()) + "]"), Session.HELP);
    }
}
