package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The showcase variants (examples/variants/): each differs from its parent by at most 5 (FlowRL: 6) changed
 * lines of code (comments and blank lines aside; a modified line counts once), and both check and
 * run through {@code rlo eval} on small inputs with finite losses.
 */
class VariantsTest {

    static final Path DIR = Path.of("../examples/variants");

    @TempDir
    Path tmp;

    /**
     * FlowRL is the one variant allowed 6: it replaces GRPO's whole surrogate, KL term included, so
     * it also drops the k3 import (which W001 found unused once warnings existed).
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"grpo, qae, 5", "grpo, bnpo, 5", "ppo, spo, 5", "dpo, rpo, 5", "reinforce, reinforce_ensemble, 5", "iqn, iqn_risk, 5",
            "qr_critic, tqc, 5", "q_learning, rover, 5", "rebel, astar_po, 5", "grpo, flowrl, 6"})
    void variantIsAFewLinesFromItsParentAndRuns(String parent, String variant, int most) throws IOException {
        List<String> a = code(DIR.resolve(parent + ".rlo"));
        List<String> b = code(DIR.resolve(variant + ".rlo"));
        int changed = changedLines(a, b);
        assertTrue(changed >= 1 && changed <= most, parent + " → " + variant + ": " + changed + " changed lines");
        for (String name : List.of(parent, variant)) {
            Path file = DIR.resolve(name + ".rlo");
            CliTest.Run check = CliTest.rlo("check", file.toString());
            assertEquals(0, check.code(), check.out());
            CliTest.Run eval = CliTest.rlo("eval", file.toString(), "--inputs", inputs(file).toString(), "--grad");
            assertEquals(0, eval.code(), eval.out() + eval.err());
            assertTrue(eval.out().contains("loss"), eval.out());
            assertFalse(eval.out().toLowerCase(Locale.ROOT).contains("nan"), eval.out());
        }
    }

    /** The file's lines of code: no comments, no blank lines, trailing spaces trimmed. */
    static List<String> code(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::stripTrailing)
                .filter(l -> !l.isBlank() && !l.stripLeading().startsWith("//")).toList();
    }

    /** Lines changed between a and b: over each run of unmatched lines of a longest common subsequence, max(removed, added). */
    static int changedLines(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int changed = 0;
        int removed = 0;
        int added = 0;
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                changed += Math.max(removed, added);
                removed = 0;
                added = 0;
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                added++;
                j++;
            } else {
                removed++;
                i++;
            }
        }
        return changed + Math.max(removed, added);
    }

    /** Inputs for the file's objective, every dimension of size 3: floats in (0, 1), actions 0..2, alternating flags. */
    private Path inputs(Path file) throws IOException {
        Compiler c = Compiler.load(file, List.of());
        StringJoiner all = new StringJoiner(",\n", "{\"inputs\": {\n", "\n}}");
        int seed = 1;
        for (Graph.Input in : c.graph(c.objective(null), java.util.Map.of(), false, false).inputs()) {
            List<String> dims = in.type().dims();
            int n = (int) Math.pow(3, dims.size());
            List<String> values = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                seed = seed * 1103515245 + 12345;
                double u = 0.05 + 0.9 * ((seed >>> 8) & 0xFFFF) / 65536.0;
                values.add(in.type().dtype() == DType.BOOL ? String.valueOf(k % 2 == 0)
                        : in.type().dtype() == DType.I32 ? String.valueOf(k % 3) : String.format(Locale.ROOT, "%.4f", u));
            }
            String dimsJson = dims.stream().map(d -> "\"" + d + "\"").reduce((x, y) -> x + ", " + y).map(s -> "[" + s + "]").orElse("[]");
            all.add("  \"" + in.name() + "\": {\"dims\": " + dimsJson + ", \"data\": " + nest(values, dims.size()) + "}");
        }
        Path json = tmp.resolve(file.getFileName() + ".json");
        Files.writeString(json, all.toString());
        return json;
    }

    /** Values in nested arrays of length 3, {@code rank} deep (a scalar when 0). */
    private static String nest(List<String> values, int rank) {
        if (rank == 0) {
            return values.getFirst();
        }
        int block = values.size() / 3;
        StringJoiner out = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < 3; i++) {
            out.add(nest(values.subList(i * block, (i + 1) * block), rank - 1));
        }
        return out.toString();
    }
}
