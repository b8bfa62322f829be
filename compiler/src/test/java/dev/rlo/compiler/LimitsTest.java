package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.resolve.SourceRoot;
import dev.rlo.compiler.source.SourceFile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nesting and size limits (spec/syntax.md#limits), on the programs of the hardening cases F1,
 * F7 and F8: each is one located error, found by checking alone, on a thread with the stack rlo's
 * commands use. The {@code @Timeout}s are watchdogs against hangs (each case takes about a second),
 * not speed requirements.
 */
class LimitsTest {

    /** The diagnostics of checking {@code text} as {@code deep.rlo}, on a thread like the CLI's. */
    static List<Diagnostic> check(String text) {
        Session[] session = new Session[1];
        Thread t = Limits.thread(() -> {
            session[0] = new Session(List.of());
            session[0].check(new SourceRoot.Loaded("deep", new SourceFile("deep.rlo", text)), null);
        }, "check");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return session[0].diagnostics().sorted();
    }

    static String objective(String body) {
        return "objective o(x: f32[B] grad) {\n  " + body + "\n}\n";
    }

    /**
     * F1: 10,000 parentheses, 1,000 nested calls, 10,000 minus signs, a sum of 10,000 terms. Columns
     * by hand: {@code mean(} is level 1 at column 3; the k-th parenthesis or sign after it, at column
     * 7 + k, is level k + 1, so the first expression past level 1,001 (the innermost name may be
     * level 1,001) is the 1,001st, at column 1,008; after 1,000 {@code tanh(}, at 8 + 5(k − 1), it is
     * the name x, at 5,008; every sum in the left-deep chain starts at the first term, column 8.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void deepExpressionsAreOneLocatedError() {
        assertTooDeep(objective("mean(" + "(".repeat(10_000) + "x" + ")".repeat(10_000) + ")"), 2, 7 + 1001);
        assertTooDeep(objective("mean(" + "tanh(".repeat(1000) + "x" + ")".repeat(1000) + ")"), 2, 8 + 5 * 1000);
        assertTooDeep(objective("mean(" + "-".repeat(10_000) + "x)"), 2, 7 + 1001);
        assertTooDeep(objective("mean(" + String.join(" + ", java.util.Collections.nCopies(10_000, "x")) + ")"), 2, 8);
    }

    private static void assertTooDeep(String program, int line, int column) {
        List<Diagnostic> d = check(program);
        assertEquals(1, d.size(), () -> d.toString());
        assertEquals(Code.E090, d.getFirst().code());
        assertEquals(line + ":" + column, d.getFirst().span().line() + ":" + d.getFirst().span().column());
    }

    /** The limit is 1,000 levels, the innermost name not counted: mean(…) and 999 parentheses are fine, 1,000 are not. */
    @Test
    void theLimitIsAThousandLevels() {
        assertEquals(List.of(), check(objective("mean(" + "(".repeat(999) + "x" + ")".repeat(999) + ")")));
        assertEquals(Code.E090, check(objective("mean(" + "(".repeat(1000) + "x" + ")".repeat(1000) + ")")).getFirst().code());
    }

    /** F1: a chain of 3,000 fns, each calling the next, is reported once, at the first fn more than 1,000 levels deep. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLongChainOfCallsIsOneError() {
        int n = 3000;
        String src = IntStream.range(0, n).mapToObj(i -> "fn h" + i + "(x: f32) -> f32 { h" + (i + 1) + "(x) }\n")
                .collect(Collectors.joining()) + "fn h" + n + "(x: f32) -> f32 { x }\n" + objective("mean(h0(x))");
        List<Diagnostic> d = check(src);
        assertEquals(1, d.size(), () -> d.toString());
        assertEquals(Code.E090, d.getFirst().code());
        /* h3000's body is a name; h(3000 − k) nests k calls above it: h1999, k = 1,001, is the first over 1,000 */
        assertEquals("`h1999` nests expressions more than 1000 levels deep once its calls are inlined", d.getFirst().message());
        /* 300 levels, as before, pass */
        String shortChain = IntStream.range(0, 300).mapToObj(i -> "fn h" + i + "(x: f32) -> f32 { h" + (i + 1) + "(x) }\n")
                .collect(Collectors.joining()) + "fn h300(x: f32) -> f32 { x }\n" + objective("mean(h0(x))");
        assertEquals(List.of(), check(shortChain));
    }

    /** F7: 31 fns, each calling the next twice (2^30 copies once inlined), are one error, found by checking. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void exponentialInliningIsRefusedByTheChecker() {
        int n = 30;
        String src = IntStream.range(0, n).mapToObj(i -> "fn h" + i + "(x: f32) -> f32 { h" + (i + 1) + "(x) + h" + (i + 1) + "(x * 2) }\n")
                .collect(Collectors.joining()) + "fn h" + n + "(x: f32) -> f32 { x }\n" + objective("mean(h0(x))");
        List<Diagnostic> d = check(src);
        assertEquals(1, d.size(), () -> d.toString());
        assertEquals(Code.E091, d.getFirst().code());
        /* each body has 7 expressions besides its calls' bodies (the sum, two calls, x, x * 2 as three), so
           S(h30) = 1 and S(h(30 − j)) = 7 + 2·S(h(31 − j)) = 2^(j+3) − 7: first over 10^6 at j = 17, h13 */
        assertEquals("`h13` expands to more than 1,000,000 operations once its calls are inlined", d.getFirst().message());
    }

    /** F8: 20,000 unknown names are checked in linear time; hints stop after the first 100 errors. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyUnknownNamesStayLinear() {
        int n = 20_000;
        String lets = IntStream.range(0, n).mapToObj(i -> "let v" + i + " = zz" + i + "\n  ").collect(Collectors.joining());
        List<Diagnostic> d = check(objective(lets + "mean(x)"));
        assertEquals(n, d.stream().filter(x -> x.code() == Code.E010).count());
        assertTrue(d.subList(100, n).stream().allMatch(x -> x.hint() == null), "no hints after 100 errors");
        assertFalse(d.isEmpty());
    }

    @Test
    void theHintForATypoIsKept() {
        Diagnostic d = check(objective("let ratio = x\n  mean(ratoi)")).getFirst();
        assertEquals("did you mean `ratio`?", d.hint());
        assertNull(check(objective("mean(qqqq)")).getFirst().hint());
    }
}
