package dev.rlo.runtime.out;

import dev.rlo.compiler.io.FileRead;
import dev.rlo.compiler.io.Sha256;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * {@code checkpoint.bin}: everything a run needs to continue exactly — written to a temporary file,
 * forced to disk, renamed over the previous checkpoint, and the directory forced too, so a crash or
 * SIGKILL at any moment leaves either the old checkpoint or the new one, never half of one; a write
 * that fails removes its temporary file. The file starts with a magic word and the run's fingerprint
 * (so {@code --resume} refuses a checkpoint of another experiment), and ends with an end marker and
 * the SHA-256 of everything before it, so that any changed, cut or appended byte is found before the
 * contents are trusted.
 */
public final class Checkpoint {

    private static final String MAGIC = "rlo-checkpoint-2";
    private static final long END = 0x524C4F454E44L;   // "RLOEND"
    private static final int DIGEST = 32;

    /** What a checkpoint's body writes and reads: the loop's state and the run's counters. */
    public interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a checkpoint body. */
    public interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    private Checkpoint() { }

    /** Writes {@code file} atomically; a failure is an {@link IOException} naming it, with no temporary file left. */
    public static void write(Path file, String fingerprint, Body body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            MessageDigest sha = Sha256.digest();
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                 BufferedOutputStream buffered = new BufferedOutputStream(fos)) {
                DataOutputStream out = new DataOutputStream(new DigestOutputStream(buffered, sha));
                out.writeUTF(MAGIC);
                out.writeUTF(fingerprint);
                body.write(out);
                out.writeLong(END);
                out.flush();
                buffered.write(sha.digest());
                buffered.flush();
                fos.getFD().sync();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write " + file + ": " + FileRead.reason(e), e);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Forces the directory entry of a rename to disk, where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            /* not every platform opens directories; the rename is atomic either way */
        }
    }

    /**
     * Reads {@code file}: a checkpoint of another experiment, or one that is damaged (its checksum,
     * its end marker or what it holds wrong), is an {@link IOException} naming the file.
     */
    public static void read(Path file, String fingerprint, Reader body) throws IOException {
        verify(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.readUTF();
            if (!fingerprint.equals(in.readUTF())) {
                throw new IOException(file + " is a checkpoint of a different experiment (the file, its overrides, the step budget"
                        + " or the seed changed); start a new run with --out");
            }
            body.read(in);
            if (in.readLong() != END) {
                throw damaged(file, "it does not end where its contents do");
            }
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw damaged(file, "its contents are not what they claim");
        }
    }

    /** Checks the magic word and the checksum before anything in the file is believed. */
    private static void verify(Path file) throws IOException {
        byte[] magic = magic();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] head = new byte[magic.length];
            InputStream in = java.nio.channels.Channels.newInputStream(ch);
            if (in.readNBytes(head, 0, head.length) < head.length || !Arrays.equals(head, magic)) {
                throw new IOException(file + " is not an rlo checkpoint of this version (" + MAGIC + ")");
            }
            if (size < magic.length + Long.BYTES + DIGEST) {
                throw damaged(file, "it ends early");
            }
            MessageDigest sha = Sha256.digest();
            sha.update(head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (long left = size - DIGEST - head.length; left > 0; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), left));
                int n = ch.read(buf);
                if (n < 0) {
                    throw damaged(file, "it ends early");
                }
                sha.update(buf.array(), 0, n);
                left -= n;
            }
            ByteBuffer stored = ByteBuffer.allocate(DIGEST);
            while (stored.hasRemaining() && ch.read(stored) >= 0) {
                /* the last 32 bytes */
            }
            if (!Arrays.equals(sha.digest(), stored.array())) {
                throw damaged(file, "its checksum does not match its contents (cut short, changed or appended to since it was written)");
            }
        }
    }

    private static byte[] magic() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new DataOutputStream(b).writeUTF(MAGIC);
        return b.toByteArray();
    }

    /** The error for a damaged checkpoint {@code file}: what is wrong, and what to do. */
    public static IOException damaged(Path file, String why) {
        return new IOException(file + " is damaged: " + why + "; start a new run with --out, or restore the file");
    }
}
