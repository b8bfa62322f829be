package dev.rlo.compiler.resolve;

import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.io.FileRead;
import dev.rlo.compiler.source.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A place modules are looked up in: a directory on disk (the importing file's directory, a
 * {@code --path} entry, a stdlib checkout) or the stdlib packaged on the class path.
 */
public sealed interface SourceRoot {

    /** The module at {@code relative} (e.g. {@code std/kl.rlo}), or {@code null} when absent. */
    Loaded find(String relative);

    /** Where this root is, for "looked in …" messages. */
    String describe();

    /**
     * A found module file.
     *
     * @param key identifies the file across roots, so that a module reached twice is loaded once
     * @param repl parse it in REPL mode: a probe of {@code rlo repl}, whose REPL values are names
     */
    record Loaded(String key, SourceFile file, boolean repl) {
        public Loaded(String key, SourceFile file) {
            this(key, file, false);
        }
    }

    /** A directory. Files are shown relative to the working directory when they lie under it. */
    record Directory(Path dir) implements SourceRoot {

        @Override
        public Loaded find(String relative) {
            Path file = dir.resolve(relative);
            return Files.isRegularFile(file) ? read(file) : null;
        }

        @Override
        public String describe() {
            return display(dir) + "/";
        }

        /**
         * Reads {@code file}, keyed by its real path (spec/cli.md#trust-boundaries). A file reached
         * through a symbolic link must really be a regular {@code .rlo} file, so that a link in a
         * checked directory or on the search path cannot show another file's contents in
         * diagnostics; a file larger than {@link Limits#MAX_SOURCE_BYTES} is refused. Either
         * problem, or one reading the file, is an {@link UncheckedIOException} naming the file.
         */
        public static Loaded read(Path file) {
            try {
                Path real = file.toRealPath();
                if (!real.equals(file.toAbsolutePath().normalize())
                        && !(Files.isRegularFile(real) && real.getFileName().toString().endsWith(".rlo"))) {
                    throw new IOException("it links to " + real + ", which is not an .rlo file");
                }
                return new Loaded(real.toString(), SourceFile.decode(display(file), FileRead.atMost(file, Limits.MAX_SOURCE_BYTES)));
            } catch (IOException e) {
                throw new UncheckedIOException(FileRead.cannotRead(display(file), e), e);
            }
        }

        /**
         * How a path is shown: a relative path as written (normalised), an absolute one relative
         * to the working directory if it lies below it.
         */
        public static String display(Path file) {
            if (!file.isAbsolute()) {
                String shown = file.normalize().toString();
                return shown.isEmpty() ? "." : shown;
            }
            Path cwd = Path.of("").toAbsolutePath();
            Path abs = file.normalize();
            return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
        }
    }

    /** Resources of a class loader, e.g. the stdlib jar's {@code std/*.rlo}. */
    record Classpath(ClassLoader loader) implements SourceRoot {

        @Override
        public Loaded find(String relative) {
            try (InputStream in = loader.getResourceAsStream(relative)) {
                if (in == null) {
                    return null;
                }
                return new Loaded("classpath:" + relative, SourceFile.decode("classpath:" + relative, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String describe() {
            return "the class path";
        }
    }
}
