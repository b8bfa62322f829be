package dev.rlo.cli.batch;

import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.io.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings as a SARIF 2.1.0 log (docs/ci.md): one run of the tool {@code rlo}, every diagnostic
 * code a rule, every finding a result at its file region. Relative paths are relative to
 * {@code %SRCROOT%}, the directory rlo ran in, so code-scanning services place them in the
 * repository.
 */
public final class Sarif {

    private Sarif() { }

    public static String render(List<Finding> findings, String version) {
        List<Object> rules = new ArrayList<>();
        for (Code c : Code.values()) {
            rules.add(obj("id", c.name(), "shortDescription", obj("text", c.title())));
        }
        List<Object> results = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> artifact = new LinkedHashMap<>();
            boolean absolute = Path.of(f.file()).isAbsolute();
            artifact.put("uri", absolute ? Path.of(f.file()).toUri().toString() : f.file().replace('\\', '/'));
            if (!absolute) {
                artifact.put("uriBaseId", "%SRCROOT%");
            }
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("startLine", f.line());
            region.put("startColumn", f.column());
            region.put("endLine", f.endLine());
            region.put("endColumn", f.endColumn());
            Map<String, Object> result = new LinkedHashMap<>();
            if (f.code() != null) {
                result.put("ruleId", f.code());
            }
            result.put("level", f.isError() ? "error" : "warning");
            result.put("message", obj("text", f.message() + (f.hint() == null ? "" : " (hint: " + f.hint() + ")")));
            result.put("locations", List.of(obj("physicalLocation", obj("artifactLocation", artifact, "region", region))));
            results.add(result);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "rlo");
        driver.put("version", version);
        driver.put("rules", rules);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", obj("driver", driver));
        run.put("originalUriBaseIds", obj("%SRCROOT%", obj("uri", Path.of("").toAbsolutePath().toUri().toString())));
        run.put("columnKind", "unicodeCodePoints");   /* rlo's columns count code points (spec/syntax.md#files) */
        run.put("results", results);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        log.put("version", "2.1.0");
        log.put("runs", List.of(run));
        return Json.write(log);
    }

    /** A JSON object with its keys in the order given (Map.of's order is not fixed). */
    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
