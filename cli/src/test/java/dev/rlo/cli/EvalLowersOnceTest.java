package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlo eval} lowers its objective or fn once (issue 18): the inputs' declared types come from
 * the checker, and the hyper-parameters an inputs file gives join {@code --set} in a value of their
 * own, not by writing into the command's options between two lowerings.
 */
class EvalLowersOnceTest {

    /** The methods of {@link dev.rlo.compiler.Compiler} that lower a fn or objective. */
    static final Set<String> LOWERING = Set.of("graph", "compile", "compileFn", "knobbed", "pythonCallables");

    /** By structure, read from the class files with javap: each path of eval calls one lowering method, and the shared part none. */
    @Test
    void eachPathOfEvalCallsOneLoweringMethod() {
        assertEquals(Map.of("run", List.of("compile"), "fn", List.of("compileFn")), lowerings(EvalCommand.class));
        assertEquals(Map.of(), lowerings(ObjectiveCommand.class));
    }

    /** A param in the inputs file sets the hyper-parameter; --set wins over it; neither changes the other. */
    @Test
    void paramsOfTheInputsFileJoinSetWhichWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("o.rlo");
        Files.writeString(file, "objective o(x: f32[B] grad, k = 1.0) {\n  report k_seen = k\n  sum(x) * k\n}\n");
        Path in = dir.resolve("in.json");
        Files.writeString(in, "{\"inputs\": {\"x\": {\"dims\": [\"B\"], \"data\": [1, 2]}}, \"params\": {\"k\": 3}}");
        CliTest.Run fromFile = CliTest.rlo("eval", file.toString(), "--inputs", in.toString());
        assertEquals(0, fromFile.code(), fromFile.out() + fromFile.err());
        assertTrue(fromFile.out().equals("loss: f32 = 9\nreport k_seen: f32 = 3\n"), fromFile.out());   /* (1 + 2) * 3 */
        CliTest.Run set = CliTest.rlo("eval", file.toString(), "--inputs", in.toString(), "--set", "k=0.5");
        assertEquals(0, set.code(), set.out() + set.err());
        assertTrue(set.out().equals("loss: f32 = 1.5\nreport k_seen: f32 = 0.5\n"), set.out());        /* (1 + 2) * 0.5 */
    }

    /** Per method of {@code cls}, the lowering methods of Compiler it calls, in order. */
    static Map<String, List<String>> lowerings(Class<?> cls) {
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = javap.run(new PrintWriter(out), new PrintWriter(out), "-c", "-p", "-cp", "target/classes", cls.getName());
        assertEquals(0, rc, out.toString());
        Pattern method = Pattern.compile("^  \\S.*?(\\w+)\\(.*\\);$");
        Pattern call = Pattern.compile("Method dev/rlo/compiler/Compiler\\.(\\w+):");
        Map<String, List<String>> calls = new TreeMap<>();
        String current = null;
        for (String line : out.toString().lines().toList()) {
            Matcher m = method.matcher(line);
            if (m.find()) {
                current = m.group(1);
            }
            Matcher c = call.matcher(line);
            if (c.find() && LOWERING.contains(c.group(1))) {
                calls.computeIfAbsent(current, k -> new ArrayList<>()).add(c.group(1));
            }
        }
        return calls;
    }
}
