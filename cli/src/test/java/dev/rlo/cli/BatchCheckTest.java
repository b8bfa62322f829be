package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rlo check} over a directory of 200 generated objectives, every tenth with an error: the
 * exit code, the summary, SARIF that validates against the SARIF 2.1.0 schema, and the cache (a
 * second run checks nothing; changing one file rechecks that file only).
 */
class BatchCheckTest {

    @TempDir
    Path dir;

    /** File i: a GRPO-style surrogate; every tenth refers to a name that does not exist (E010 at line 3). */
    private void generate() throws IOException {
        for (int i = 0; i < 200; i++) {
            String body = i % 10 == 0 ? "mean(adv * logp * missing_" + i + ")" : "mean(adv * logp) * " + (i + 1) + ".0";
            Files.writeString(dir.resolve(String.format("o%03d.rlo", i)), "import std.advantage.{group_norm}\n"
                    + "objective o" + i + "(logp: f32[G,K] grad, reward: f32[G,K]) {\n  let adv = group_norm(reward)\n  " + body + "\n}\n");
        }
    }

    private CliTest.Run check(String... more) {
        String[] args = Stream.concat(Stream.of("check", dir.toString(), "--cache", dir.resolve(".cache").toString()), Stream.of(more))
                .toArray(String[]::new);
        return CliTest.rlo(args);
    }

    @Test
    void twoHundredFilesCheckedThenCached() throws IOException {
        generate();
        CliTest.Run cold = check();
        assertEquals(1, cold.code());
        assertTrue(cold.out().matches("(?s).*\\nchecked 200 files in [0-9.]+ s: 20 errors in 20 files\\n"), cold.out());
        assertTrue(cold.out().contains("o010.rlo:4:21: error[E010]: unknown name `missing_10`"), cold.out());
        CliTest.Run warm = check();
        assertEquals(1, warm.code());
        assertTrue(warm.out().matches("(?s).*\\nchecked 200 files in [0-9.]+ s: 20 errors in 20 files \\(200 unchanged, from the cache\\)\\n"),
                warm.out());
        assertEquals(cold.out().replaceAll("in [0-9.]+ s", "").replace(" (200 unchanged, from the cache)", ""),
                warm.out().replaceAll("in [0-9.]+ s", "").replace(" (200 unchanged, from the cache)", ""), "cached findings print the same");
        Files.writeString(dir.resolve("o010.rlo"), Files.readString(dir.resolve("o010.rlo")).replace(" * missing_10", ""));
        CliTest.Run fixed = check();
        assertTrue(fixed.out().matches("(?s).*: 19 errors in 19 files \\(199 unchanged, from the cache\\)\\n"), fixed.out());
    }

    /** A new file that an import would now find first makes the importer's entry stale. */
    @Test
    void aModuleThatWouldShadowAnImportInvalidatesTheCache() throws IOException {
        Files.createDirectories(dir.resolve("lib/losses"));
        Files.writeString(dir.resolve("lib/losses/sq.rlo"), "fn sq(x: f32) -> f32 { x * x }\n");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/main.rlo"), "import losses.sq.{sq}\nobjective o(x: f32[B] grad) { mean(sq(x)) }\n");
        String[] args = {"check", dir.resolve("src").toString(), "--path", dir.resolve("lib").toString(), "--cache", dir.resolve(".c").toString()};
        assertEquals(0, CliTest.rlo(args).code());
        assertTrue(CliTest.rlo(args).out().contains("(1 unchanged, from the cache)"));
        Files.createDirectories(dir.resolve("src/losses"));
        Files.writeString(dir.resolve("src/losses/sq.rlo"), "fn sq(x: f32) -> f32 { x * nope }\n");
        CliTest.Run shadowed = CliTest.rlo(args);
        assertEquals(1, shadowed.code(), shadowed.out());
        assertTrue(shadowed.out().contains("unknown name `nope`") && !shadowed.out().contains("from the cache"), shadowed.out());
    }

    @Test
    void compileOfAMissingPathIsBadUsage() {
        assertEquals(2, CliTest.rlo("compile", dir.resolve("nope.rlo").toString(), "--emit", "ir", "-o", dir.resolve("out").toString()).code());
    }

    @Test
    void sarifValidatesAgainstTheSchema() throws IOException {
        generate();
        CliTest.Run r = check("--format", "sarif", "--no-cache");
        assertEquals(1, r.code());
        Schema schema;
        try (InputStream in = BatchCheckTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        }
        List<com.networknt.schema.Error> errors = schema.validate(r.out(), InputFormat.JSON);
        assertTrue(errors.isEmpty(), errors.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> log = (Map<String, Object>) dev.rlo.compiler.io.Json.parse(r.out(), "sarif");
        Map<?, ?> run = (Map<?, ?>) ((List<?>) log.get("runs")).getFirst();
        List<?> results = (List<?>) run.get("results");
        assertEquals(20, results.size());
        assertTrue(r.out().contains("\"ruleId\": \"E010\", \"level\": \"error\""), r.out());
        /* a schema violation is caught: the validator is not vacuous */
        assertTrue(!schema.validate(r.out().replace("\"version\": \"2.1.0\"", "\"version\": \"2.0\""), InputFormat.JSON).isEmpty());
    }

    @Test
    void warningsFailOnlyWithWerror() throws IOException {
        Files.writeString(dir.resolve("ok.rlo"), "objective o(x: f32[B] grad) {\n  let unused = x * 2\n  mean(x)\n}\n");
        CliTest.Run plain = check();
        assertEquals(0, plain.code(), plain.out());
        assertTrue(plain.out().contains("ok.rlo:2:7: warning[W003]: `unused` is never used"), plain.out());
        assertTrue(plain.out().matches("(?s).*: no errors, 1 warning\\n"), plain.out());
        assertEquals(1, check("--werror").code());
        CliTest.Run json = check("--format", "json");
        assertEquals(0, json.code());
        assertTrue(json.out().contains("\"severity\": \"warning\", \"code\": \"W003\""), json.out());
    }

    @Test
    void compileWritesOneArtifactPerObjectiveAndAManifestByteForByte() throws IOException {
        generate();
        Files.delete(dir.resolve("o000.rlo"));
        for (int i = 10; i < 200; i += 10) {
            Files.delete(dir.resolve(String.format("o%03d.rlo", i)));
        }
        Path a = dir.resolveSibling(dir.getFileName() + "-a");
        Path b = dir.resolveSibling(dir.getFileName() + "-b");
        CliTest.Run first = CliTest.rlo("compile", dir.toString(), "--emit", "cuda", "-o", a.toString());
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().startsWith("compiled 180 objectives from 180 files into " + a), first.out());
        assertEquals(0, CliTest.rlo("compile", dir.toString(), "--emit", "cuda", "-o", b.toString()).code());
        try (Stream<Path> files = Files.walk(a)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals(Files.readString(f), Files.readString(b.resolve(a.relativize(f))), f.toString());
            }
        }
        String manifest = Files.readString(a.resolve("manifest.json"));
        assertTrue(manifest.contains("{\"file\": \"o001.rlo\", \"objective\": \"o1\", \"artifact\": \"o001/o1.cu\", "
                + "\"sha256\": \"" + sha256(Files.readString(a.resolve("o001/o1.cu"))) + "\", \"inputs\": [{\"name\": \"logp\", \"dtype\": \"f32\", "
                + "\"dims\": [\"G\", \"K\"], \"grad\": true}, {\"name\": \"reward\", \"dtype\": \"f32\", \"dims\": [\"G\", \"K\"], \"grad\": false}], "
                + "\"parameters\": {}, \"outputs\": [{\"name\": \"loss\", \"dtype\": \"f32\", \"dims\": []}"), manifest);
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
