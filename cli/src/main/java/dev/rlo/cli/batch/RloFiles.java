package dev.rlo.cli.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The {@code .rlo} files a path names: itself, or those below a directory, in path order, skipping build output and hidden directories. */
public final class RloFiles {

    private RloFiles() { }

    public static List<Path> find(Path p) {
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(p)) {
            walk.filter(f -> f.toString().endsWith(".rlo") && Files.isRegularFile(f) && !skipped(p, f)).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** Build output ({@code target/}) and hidden directories below a searched directory are skipped. */
    private static boolean skipped(Path root, Path file) {
        Path parent = root.relativize(file).getParent();
        if (parent != null) {
            for (Path part : parent) {
                if (part.toString().equals("target") || part.toString().startsWith(".")) {
                    return true;
                }
            }
        }
        return false;
    }
}
