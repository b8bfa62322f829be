package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlo eval} on bad inputs: one line on stderr naming the input and what was expected, exit 1. */
class EvalErrorsTest {

    static final String PPO = PublishedVectorsTest.DIR + "ppo.rlo";

    static void fails(String expected, String... args) {
        CliTest.Run r = CliTest.rlo(args);
        assertEquals(1, r.code(), r.out());
        assertEquals(expected + "\n", r.err());
    }

    static Path json(Path dir, String text) throws IOException {
        Path f = dir.resolve("in.json");
        Files.writeString(f, text);
        return f;
    }

    static final String GOOD = """
            {"inputs": {"logits": {"dims": ["B","A"], "data": [[1,1],[2,0]]},
                        "old_logits": {"dims": ["B","A"], "data": [[1,1],[2,0]]},
                        "action": {"dims": ["B"], "data": [0,1]}, ADV}}""";

    @Test
    void aMissingInputIsNamedWithItsType(@TempDir Path dir) throws IOException {
        Path f = json(dir, GOOD.replace(", ADV", ""));
        fails("rlo: missing input `adv`: expected f32[B]", "eval", PPO, "--inputs", f.toString());
    }

    @Test
    void aWrongNamedShapeIsNamed(@TempDir Path dir) throws IOException {
        Path f = json(dir, GOOD.replace("ADV", "\"adv\": {\"dims\": [\"B\",\"K\"], \"data\": [[1],[2]]}"));
        fails("rlo: input `adv` has dimensions [B, K], but rlax_ppo declares f32[B]", "eval", PPO, "--inputs", f.toString());
        Path sizes = json(dir, GOOD.replace("ADV", "\"adv\": {\"dims\": [\"B\"], \"data\": [1, 2, 3]}"));
        fails("rlo: dimension B is 2 in `logits` but 3 in `adv`", "eval", PPO, "--inputs", sizes.toString());
    }

    @Test
    void aNonFiniteInputIsLocated(@TempDir Path dir) throws IOException {
        Path f = json(dir, GOOD.replace(", ADV", ""));
        Path adv = dir.resolve("adv.npy");
        Files.write(adv, Npy.write(new long[] {2}, new double[] {0.5, Double.POSITIVE_INFINITY}, true));
        fails("rlo: input `adv` has a non-finite value (Infinity) at [B=1]; expected f32[B]",
                "eval", PPO, "--inputs", f.toString(), "--input", "adv=" + adv);
    }

    @Test
    void aMalformedNpyFileIsReported(@TempDir Path dir) throws IOException {
        Path f = json(dir, GOOD.replace(", ADV", ""));
        Path adv = dir.resolve("adv.npy");
        Files.writeString(adv, "not numpy at all");
        fails("rlo: " + adv + " is not a valid .npy file: it does not start with the .npy magic string",
                "eval", PPO, "--inputs", f.toString(), "--input", "adv=" + adv);
        byte[] good = Npy.write(new long[] {2}, new double[] {0.5, 1}, true);
        Files.write(adv, java.util.Arrays.copyOf(good, good.length - 3));
        fails("rlo: " + adv + " is not a valid .npy file: it should hold 2 values of 4 bytes after its header, but holds 5 bytes",
                "eval", PPO, "--inputs", f.toString(), "--input", "adv=" + adv);
    }

    @Test
    void malformedJsonIsLocated(@TempDir Path dir) throws IOException {
        Path f = json(dir, "{\"inputs\": {\"adv\": [1, 2,]}}");
        fails("rlo: " + f + ":1:26: malformed JSON: unexpected character", "eval", PPO, "--inputs", f.toString());
    }

    @Test
    void anUnknownHyperParameterIsNamed() {
        fails("rlo: `epsilon` is not a hyper-parameter of rlax_ppo; its hyper-parameters are eps",
                "eval", PPO, "--inputs", PublishedVectorsTest.DIR + "ppo.json", "--set", "epsilon=0.1");
    }
}
