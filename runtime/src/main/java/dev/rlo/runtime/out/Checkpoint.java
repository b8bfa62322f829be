package dev.rlo.runtime.out;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code checkpoint.bin}: everything a run needs to continue exactly — written to a temporary file,
 * forced to disk, then renamed over the previous checkpoint, so a crash or SIGKILL at any moment
 * leaves either the old checkpoint or the new one, never half of one. The file starts with a magic
 * word and the run's fingerprint (so {@code --resume} refuses a checkpoint of another experiment) and
 * ends with an end marker (so a truncated file is recognised, should one ever appear).
 */
public final class Checkpoint {

    private static final String MAGIC = "rlo-checkpoint-1";
    private static final long END = 0x524C4F454E44L;   // "RLOEND"

    /** What a checkpoint's body writes and reads: the loop's state and the run's counters. */
    public interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a checkpoint body. */
    public interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    private Checkpoint() { }

    public static void write(Path file, String fingerprint, Body body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fos))) {
            out.writeUTF(MAGIC);
            out.writeUTF(fingerprint);
            body.write(out);
            out.writeLong(END);
            out.flush();
            fos.getFD().sync();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads {@code file}; a checkpoint of another experiment, or a damaged one, is an {@link IOException}. */
    public static void read(Path file, String fingerprint, Reader body) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException(file + " is not an rlo checkpoint");
            }
            if (!fingerprint.equals(in.readUTF())) {
                throw new IOException(file + " is a checkpoint of a different experiment (the file, its overrides, the step budget"
                        + " or the seed changed); start a new run with --out");
            }
            body.read(in);
            if (in.readLong() != END) {
                throw new IOException(file + " is damaged: it does not end where its contents do");
            }
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is damaged: it ends early");
        }
    }
}
