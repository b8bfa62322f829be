package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlo eval} and {@code rlo compile} on fns: forward only, the result printed, no gradients. */
class FnCommandsTest {

    static final String ADVANTAGE = "../stdlib/std/advantage.rlo";

    @TempDir
    Path dir;

    private Path rewards() throws IOException {
        Path f = dir.resolve("in.json");
        Files.writeString(f, "{\"inputs\": {\"reward\": {\"dims\": [\"K\"], \"data\": [1, 2, 3, 6]}}}");
        return f;
    }

    /** RLOO by hand: r − (Σr − r)/3 with Σr = 12: 1 − 11/3, 2 − 10/3, 3 − 3, 6 − 2 (in f32, to 1e-6). */
    @Test
    void evalPrintsAFnsResult() throws IOException {
        CliTest.Run text = CliTest.rlo("eval", ADVANTAGE, "--objective", "rloo", "--inputs", rewards().toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().matches("result: f32\\[K\\] = \\[-2\\.666666\\d*, -1\\.333333\\d*, 0, 4\\]\n"), text.out());
        CliTest.Run json = CliTest.rlo("eval", ADVANTAGE, "--objective", "rloo", "--inputs", rewards().toString(), "--format", "json");
        assertEquals(0, json.code(), json.err());
        Map<?, ?> out = (Map<?, ?>) Json.parse(json.out(), "json");
        assertEquals("rloo", out.get("fn"));
        List<?> data = (List<?>) ((Map<?, ?>) out.get("result")).get("data");
        double[] want = {1 - 11.0 / 3, 2 - 10.0 / 3, 0, 4};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], ((Number) data.get(i)).doubleValue(), 1e-6);
        }
    }

    @Test
    void aFnHasNoGradients() throws IOException {
        EvalErrorsTest.fails("rlo: `rloo` is a fn, which has no gradients: --grad goes with objectives",
                "eval", ADVANTAGE, "--objective", "rloo", "--inputs", rewards().toString(), "--grad");
    }

    @Test
    void aFileOfFnsNeedsAChoiceUnlessItHasOne() throws IOException {
        Path one = dir.resolve("one.rlo");
        Files.writeString(one, "fn twice(x: f32[B]) -> f32[B] { 2 * x }\n");
        Path in = dir.resolve("x.json");
        Files.writeString(in, "{\"inputs\": {\"x\": {\"dims\": [\"B\"], \"data\": [1, 2]}}}");
        CliTest.Run r = CliTest.rlo("eval", one.toString(), "--inputs", in.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("result: f32[B] = [2, 4]\n", r.out());
        Path two = dir.resolve("two.rlo");
        Files.writeString(two, "fn a(x: f32) -> f32 { x }\nfn b(x: f32) -> f32 { x }\n");
        EvalErrorsTest.fails("rlo: " + two + " has 2 fns (a, b); choose one with --objective", "eval", two.toString());
    }

    @Test
    void compileTakesFnsForwardOnly() throws IOException {
        CliTest.Run ir = CliTest.rlo("compile", "../examples/ppo.rlo", "--emit", "ir", "--objective", "rollout_advantages");
        assertEquals(0, ir.code(), ir.err());
        assertTrue(ir.out().startsWith("graph rollout_advantages\n") && ir.out().contains("  result = %") && !ir.out().contains("grad"), ir.out());
        Path out = dir.resolve("out");
        CliTest.Run all = CliTest.rlo("compile", "../examples/ppo.rlo", "--emit", "ir", "-o", out.toString());
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().startsWith("compiled 1 objective and 1 fn from 1 file into " + out), all.out());
        assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"fn\": \"rollout_advantages\", \"artifact\": \"ppo/rollout_advantages.ir\""));
    }

    @Test
    void pythonModulesTakeNeitherForwardNorDtype() {
        assertEquals(2, CliTest.rlo("compile", "../examples/ppo.rlo", "--emit", "torch", "--forward").code());
        assertEquals(2, CliTest.rlo("compile", "../examples/ppo.rlo", "--emit", "numpy", "--dtype", "f64").code());
        CliTest.Run r = CliTest.rlo("compile", "../examples/ppo.rlo", "--emit", "numpy", "--objective", "ppo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\ndef ppo(logits, value, action, old_logp, old_value, adv, ret, *, eps=0.2, vf_coef=0.5, ent_coef=0.01, check=True):\n")
                && !r.out().contains("def rollout_advantages"), r.out());
    }
}
