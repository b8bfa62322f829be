package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drop-in examples of examples/python/ run as a user runs them, on modules emitted from
 * examples/python/ and examples/ppo.rlo: each asserts its results against the host framework's own
 * formulas written out by hand (TRL's GRPO loss, verl's estimator loop and vanilla policy loss,
 * CleanRL's GAE loop and PPO loss, a jax.numpy PPO loss), and exits non-zero if one differs. The
 * torch ones need torch (required under CI=true); rlax_ppo.py needs JAX (skipped, printing why,
 * where it is missing). All four compile (as {@code python -m py_compile} does, without writing
 * bytecode into the source tree).
 */
class PythonExamplesTest {

    static final Path DIR = Path.of("../examples/python");

    @TempDir
    Path tmp;

    private Path emit(String dialect) {
        Path out = tmp.resolve(dialect);
        CliTest.Run r = CliTest.rlo("compile", DIR.toString(), "../examples/ppo.rlo", "--emit", dialect, "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"trl_grpo.py", "verl_plugin.py", "cleanrl_ppo.py"})
    void torchExampleRunsAndMatchesItsFramework(String script) throws Exception {
        String py = Pythons.require(true, "torch", "numpy").getFirst();
        String out = Pythons.check(py, DIR.resolve(script).toString(), emit("torch").toString());
        assertTrue(out.startsWith(script.replace(".py", "") + ": "), out);
    }

    @Test
    void jaxExampleRunsAndMatchesJaxsOwnGradients() throws Exception {
        String py = Pythons.require(false, "jax", "numpy").getFirst();
        String out = Pythons.check(py, DIR.resolve("rlax_ppo.py").toString(), emit("jax").toString());
        assertTrue(out.startsWith("rlax_ppo: "), out);
    }

    @Test
    void everyExampleCompiles() throws Exception {
        Assumptions.assumeTrue(Pythons.run("python3", "--version") != null, "no python3 on PATH");
        List<String> scripts = Stream.of("trl_grpo.py", "verl_plugin.py", "cleanrl_ppo.py", "rlax_ppo.py")
                .map(s -> DIR.resolve(s).toString()).toList();
        Pythons.check(Stream.concat(Stream.of("python3", "-c",
                "import sys\nfor f in sys.argv[1:]: compile(open(f, encoding='utf-8').read(), f, 'exec')"), scripts.stream())
                .toArray(String[]::new));
    }
}
