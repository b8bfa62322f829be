package dev.rlo.cli.batch;

import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.io.Sha256;
import dev.rlo.compiler.resolve.LoadedModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check cache ({@code .rlo-cache/} or {@code --cache DIR}): per file, the SHA-256 of its text
 * and of every module it loaded (the standard library's through rlo's build), the files its imports
 * looked for in vain, and its findings. An entry is used only when every hash still matches, none of
 * those files has appeared, and rlo's build, the working directory, the search path and the standard
 * library are the same; files with an unresolved import are not cached. Entries are written
 * atomically (temporary file, then rename), so a crash leaves no half-written entry.
 */
final class Cache {

    private final Path dir;
    private final String salt;

    /**
     * A cache in {@code dir} for this build of rlo, this working directory (paths in findings are
     * relative to it), this import search path and this standard library.
     */
    Cache(Path dir, String version, List<Path> libraryPath) {
        this.dir = dir;
        this.salt = String.join("|", version, build(), Path.of("").toAbsolutePath().toString(),
                libraryPath.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList().toString(),
                String.valueOf(System.getProperty("rlo.stdlib")));
    }

    /** What identifies the compiler's code: the SHA-256 of its jar, or its class directory's newest time. */
    private static String build() {
        try {
            Path code = Path.of(dev.rlo.compiler.Compiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) {
                return Sha256.hex(Files.readAllBytes(code));
            }
            try (java.util.stream.Stream<Path> s = Files.walk(code)) {
                return code + "@" + s.mapToLong(p -> p.toFile().lastModified()).max().orElse(0);
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown build " + System.nanoTime();   /* never matches: no caching rather than a stale result */
        }
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
            for (Object o : (List<?>) m.get("misses")) {
                if (Files.exists(Path.of((String) o))) {
                    return null;    /* an import would now find this file first */
                }
            }
            for (Object o : (List<?>) m.get("modules")) {
                Map<?, ?> dep = (Map<?, ?>) o;
                String key = (String) dep.get("key");
                if (!key.startsWith("classpath:") && !Sha256.hex(Files.readString(Path.of(key))).equals(dep.get("sha256"))) {
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

    void put(Path file, List<LoadedModule> modules, List<Path> misses, List<Finding> findings) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("salt", salt);
        List<Object> deps = new ArrayList<>();
        for (LoadedModule module : modules) {
            deps.add(Map.of("key", module.key(), "sha256", Sha256.hex(module.file().text())));
        }
        m.put("modules", deps);
        m.put("misses", misses.stream().map(Path::toString).toList());
        m.put("findings", findings.stream().map(Finding::toCache).toList());
        Files.createDirectories(dir);
        Path entry = entry(file);
        Path tmp = Files.createTempFile(dir, "entry", ".tmp");
        Files.writeString(tmp, Json.write(m));
        Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path entry(Path file) {
        return dir.resolve(Sha256.hex(file.toAbsolutePath().normalize().toString()) + ".json");
    }
}
