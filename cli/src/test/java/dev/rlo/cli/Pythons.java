package dev.rlo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Python interpreters the tests of emitted modules run: Debian's {@code /usr/bin/python3}, where
 * {@code .ci/run} installs python3-numpy, python3-scipy and python3-torch with apt, and the
 * {@code python3} first on PATH (often another Python, with NumPy 2), each once. A test that needs
 * a module no interpreter has is skipped with the reason printed; under {@code CI=true} NumPy and
 * torch are required instead (JAX, which Debian does not package, never is).
 */
final class Pythons {

    static final Path SCRIPTS = Path.of("src/test/resources/python");

    private static Map<String, String> found;

    private Pythons() { }

    /** Every interpreter found, by the path of its executable, with its versions of Python and NumPy. */
    static synchronized Map<String, String> all() {
        if (found == null) {
            found = new LinkedHashMap<>();
            for (String py : List.of("/usr/bin/python3", "python3")) {
                String out = run(py, "-c", "import sys, numpy; print(sys.executable, sys.version.split()[0], numpy.__version__)");
                if (out != null && !out.isBlank()) {
                    String[] p = out.strip().split(" ");
                    found.putIfAbsent(py.equals("python3") ? p[0] : py, "Python " + p[1] + ", NumPy " + p[2]);
                }
            }
        }
        return found;
    }

    /** The interpreters that import all of {@code modules}. */
    static List<String> with(String... modules) {
        List<String> out = new ArrayList<>();
        for (String py : all().keySet()) {
            if (run(py, "-c", "import " + String.join(", ", modules)) != null) {
                out.add(py);
            }
        }
        return out;
    }

    /** Those interpreters; none skips the test, printing why — a failure under CI=true when {@code requiredInCi}. */
    static List<String> require(boolean requiredInCi, String... modules) {
        List<String> pys = with(modules);
        if (pys.isEmpty()) {
            String why = "no python3 here imports " + String.join(" and ", modules) + " (tried /usr/bin/python3 and python3 on PATH)";
            if (requiredInCi && "true".equals(System.getenv("CI"))) {
                throw new AssertionError(why + "; .ci/run installs them with apt");
            }
            System.err.println("skipped: " + why);
            Assumptions.abort(why);
        }
        return pys;
    }

    /** Runs a command; its output, or null if it failed or took over ten minutes. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** Runs a command that must succeed; its output, or a failure showing it. */
    static String check(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took over ten minutes:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    static Path script(String name) {
        Path p = SCRIPTS.resolve(name);
        if (!Files.exists(p)) {
            throw new IllegalStateException("no " + p);
        }
        return p;
    }
}
