package dev.rlo.cli.batch;

import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.resolve.LoadedModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check cache ({@code .rlo-cache/} or {@code --cache DIR}): per file, the SHA-256 of its text
 * and of every module it loaded (the standard library's through rlo's version), and its findings.
 * An entry is used only when every one of those hashes still matches; files with an unresolved
 * import are not cached (the missing module may appear). Entries are written atomically (temporary
 * file, then rename), so a crash leaves no half-written entry.
 */
final class Cache {

    private final Path dir;
    private final String salt;

    /** A cache in {@code dir} for this rlo {@code version} and import search path. */
    Cache(Path dir, String version, List<Path> libraryPath) {
        this.dir = dir;
        this.salt = version + "|" + libraryPath;
    }

    /** The findings cached for {@code file}, or null when there is no valid entry. */
    List<Finding> get(Path file) {
        Path entry = entry(file);
        if (!Files.isRegularFile(entry)) {
            return null;
        }
        try {
            Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(entry), entry.toString());
            if (!salt.equals(m.get("salt"))) {
                return null;
            }
            for (Object o : (List<?>) m.get("modules")) {
                Map<?, ?> dep = (Map<?, ?>) o;
                String key = (String) dep.get("key");
                if (!key.startsWith("classpath:") && !hash(Files.readString(Path.of(key))).equals(dep.get("sha256"))) {
                    return null;
                }
            }
            List<Finding> out = new ArrayList<>();
            for (Object f : (List<?>) m.get("findings")) {
                out.add(Finding.fromCache((Map<?, ?>) f));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;   /* a changed, missing or unreadable module, or a damaged entry: check again */
        }
    }

    void put(Path file, List<LoadedModule> modules, List<Finding> findings) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("salt", salt);
        List<Object> deps = new ArrayList<>();
        for (LoadedModule module : modules) {
            deps.add(Map.of("key", module.key(), "sha256", hash(module.file().text())));
        }
        m.put("modules", deps);
        m.put("findings", findings.stream().map(Finding::toCache).toList());
        Files.createDirectories(dir);
        Path entry = entry(file);
        Path tmp = Files.createTempFile(dir, "entry", ".tmp");
        Files.writeString(tmp, Json.write(m));
        Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path entry(Path file) {
        return dir.resolve(hash(file.toAbsolutePath().normalize().toString()) + ".json");
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
