package dev.rlo.cli;

import static dev.rlo.cli.CliTest.rlo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlo gradcheck}'s verdicts (issue 15): semi-gradient objectives check against the finite
 * differences of the loss with each stopgrad held at its base-point value; a check where every
 * gradient is exactly 0 says it proved nothing; ranges for inputs with a domain; usage errors.
 */
class GradcheckCommandTest {

    private static String write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f.toString();
    }

    @Test
    void aSemiGradientObjectivePassesWithItsStopgradsHeld(@TempDir Path dir) throws IOException {
        /* d/dv mean((v − c)²) at c = 2v held: 2(v − 2v)/n = −2v/n; through the stopgrad it is +2v/n */
        String f = write(dir, "semi.rlo", "objective semi(v: f32[B] grad) { mean((v - stopgrad(2 * v)) ** 2) }\n");
        CliTest.Run held = rlo("gradcheck", f);
        assertEquals(0, held.code(), held.out() + held.err());
        assertTrue(held.out().contains("finite differences hold 1 stopgrad(...) at its value at the base point"), held.out());
        CliTest.Run plain = rlo("gradcheck", f, "--plain");
        assertEquals(1, plain.code(), plain.out());
        assertTrue(plain.out().contains("FAIL") && !plain.out().contains("finite differences hold"), plain.out());
        /* the worst element is named: input and position */
        assertTrue(plain.out().matches("(?s).*\\nworst: v\\[B=\\d], error 2\\.00e\\+00\\n.*"), plain.out());
    }

    @Test
    void aCheckOfGradientsThatAreAllZeroSaysItProvedNothing(@TempDir Path dir) throws IOException {
        String f = write(dir, "zero.rlo", "objective zero(x: f32[B] grad) { mean(x * 0.0) }\n");
        CliTest.Run r = rlo("gradcheck", f);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("ok (all exactly 0)"), r.out());
        assertTrue(r.out().endsWith("passed vacuously: every gradient checked is exactly 0 (does the loss depend on the grad inputs here?)\n"),
                r.out());
    }

    @Test
    void rangesDrawInputsInsideTheirDomain(@TempDir Path dir) throws IOException {
        /* log of a standard normal draw is NaN for half the elements; in [0.1, 0.9] it checks */
        String f = write(dir, "probs.rlo", "objective nll(p: f32[B] grad) { -mean(log(p)) }\n");
        assertEquals(1, rlo("gradcheck", f).code());
        CliTest.Run r = rlo("gradcheck", f, "--range", "p=0.1,0.9");
        assertEquals(0, r.code(), r.out() + r.err());
        CliTest.Run unknown = rlo("gradcheck", f, "--range", "q=0,1");
        assertEquals(1, unknown.code());
        assertEquals("rlo: --range q: no input `q`; the float inputs are [p]\n", unknown.err());
        assertEquals(2, rlo("gradcheck", f, "--range", "p=1,0").code());
        assertEquals(2, rlo("gradcheck", f, "--range", "p=0.1").code());
    }

    @Test
    void anObjectiveThatOnlyReportsEvaluatesButHasNothingToCheck(@TempDir Path dir) throws IOException {
        /* clip fraction of ratios e^0.5, e^0, e^−0.1 against ε = 0.2: only the first is outside [0.8, 1.2] */
        String f = write(dir, "stats.rlo", "objective stats(logp: f32[B], old: f32[B], eps = 0.2) {\n"
                + "  report clip_fraction = mean(abs(exp(logp - old) - 1) > eps)\n  mean(logp - old)\n}\n");
        CliTest.Run eval = rlo("eval", f, "--inputs", write(dir, "in.json",
                "{\"inputs\": {\"logp\": {\"dims\": [\"B\"], \"data\": [0.5, 0, -0.1]}, \"old\": {\"dims\": [\"B\"], \"data\": [0, 0, 0]}}}"));
        assertEquals(0, eval.code(), eval.out() + eval.err());
        assertTrue(eval.out().contains("report clip_fraction: f32 = 0.33333334"), eval.out());
        CliTest.Run check = rlo("gradcheck", f);
        assertEquals(1, check.code());
        assertEquals("rlo: `stats` has no grad input, so it has no gradient to check; it only reports\n", check.err());
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) throws IOException {
        String f = write(dir, "semi.rlo", "objective semi(v: f32[B] grad) { mean(v * v) }\n");
        CliTest.Run nan = rlo("gradcheck", f, "--tolerance", "NaN");
        assertEquals(2, nan.code());
        assertTrue(nan.err().startsWith("--tolerance must be a finite number >= 0, not NaN"), nan.err());
        assertEquals(2, rlo("gradcheck", f, "--tolerance", "-1").code());
        /* gradcheck is always f64: it has no --dtype */
        assertEquals(2, rlo("gradcheck", f, "--dtype", "f64").code());
        assertEquals(0, rlo("eval", f, "--dtype", "f64", "--inputs", write(dir, "v.json",
                "{\"inputs\": {\"v\": {\"dims\": [\"B\"], \"data\": [1, 2]}}}")).code());
    }
}
