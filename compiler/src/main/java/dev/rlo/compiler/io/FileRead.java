package dev.rlo.compiler.io;

import dev.rlo.compiler.base.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a user's file: bounded in size, and an I/O problem said in a few words. */
public final class FileRead {

    private FileRead() { }

    /** The bytes of {@code file}; an {@link IOException} when it holds more than {@code max} (a pipe or device too). */
    public static byte[] atMost(Path file, long max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max) {
                throw new IOException("it is larger than " + Limits.size(max) + ", the most rlo reads");
            }
            return bytes;
        }
    }

    /** Why reading failed, in a few words: "no such file", "permission denied", "is a directory", or the message. */
    public static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file";
            case AccessDeniedException x -> "permission denied";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /** {@code cannot read FILE: reason}. */
    public static String cannotRead(Object file, IOException e) {
        return "cannot read " + file + ": " + reason(e);
    }
}
