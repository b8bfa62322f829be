package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.io.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code rlo bench} runs and reports what spec/cli.md#bench promises (one tiny entry, one repetition:
 * the numbers themselves are benchmarks, recorded in docs/benchmarks.md, not tested).
 */
class BenchCommandTest {

    @Test
    @SuppressWarnings("unchecked")
    void jsonCarriesEveryColumnForEachEntry() {
        /* without the reference backend, which takes minutes here */
        CliTest.Run r = CliTest.rlo("bench", "--entry", "qr_dqn", "--repeat", "1", "--warmup", "0", "--no-reference", "--format", "json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> all = (Map<String, Object>) Json.parse(r.out(), "bench output");
        assertTrue((Double) all.get("triad_gb_per_s") > 0);
        List<Map<String, Object>> entries = (List<Map<String, Object>>) all.get("entries");
        assertEquals(List.of("256x32x32", "256x64x64", "256x200x200", "32x200x200"), entries.stream().map(e -> e.get("shape")).toList());
        assertEquals(List.of(false, false, false, true), entries.stream().map(e -> e.get("per_call")).toList());
        for (Map<String, Object> e : entries) {
            assertTrue(e.containsKey("reference_ms") && e.get("reference_ms") == null, e.toString());
            for (String column : List.of("cpu_ms", "cpu_new_outputs_ms", "java_ms", "cpu_ns_per_element",
                    "cpu_gb_per_s", "triad_share")) {
                assertTrue((Double) e.get(column) > 0, column + " of " + e);
            }
        }
    }

    @Test
    void trainingSizeCallsHaveATableInMicroseconds() {
        CliTest.Run r = CliTest.rlo("bench", "--entry", "qr_dqn", "--calls", "--repeat", "1", "--warmup", "0", "--no-reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Training-size calls, µs per call:"), r.out());
        assertTrue(r.out().contains("| entry | shape | reference µs | cpu µs | cpu µs, new outputs | java µs | cpu vs java |"), r.out());
        assertTrue(r.out().contains("| qr_dqn | 32x200x200 | — | "), r.out());
        assertTrue(!r.out().contains("cpu ns/elem") && !r.out().contains("256x32x32"), "--calls keeps the calls alone: " + r.out());
    }

    @Test
    void compileTimesCoverEveryStdlibObjective() {
        CliTest.Run r = CliTest.rlo("bench", "--compile", "--repeat", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        for (String objective : List.of("std.policy.ppo_clip", "std.preference.dpo", "std.value.dqn", "std.risk.cvar_pg")) {
            assertTrue(r.out().contains("| " + objective + " |"), r.out());
        }
    }
}
