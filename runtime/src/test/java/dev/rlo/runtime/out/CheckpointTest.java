package dev.rlo.runtime.out;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.base.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * checkpoint.bin against the damage of hardening case F22 (every change is "damaged", naming the
 * file), a full disk (F23: the temporary file is removed and the file named) and two runs in one
 * directory (F28: the second is refused).
 */
class CheckpointTest {

    @TempDir
    Path dir;

    /** A checkpoint like a run's: its counters, then a body of 4,096 bytes standing for the networks. */
    private Path write() throws IOException {
        Path file = dir.resolve("checkpoint.bin");
        Checkpoint.write(file, "fp", out -> {
            out.writeLong(1925);          // metrics.csv length
            out.writeDouble(6.5);         // seconds
            out.writeLong(6656);          // steps
            out.write(new byte[4096]);
        });
        return file;
    }

    private long[] read(Path file) throws IOException {
        long[] got = new long[2];
        Checkpoint.read(file, "fp", in -> {
            got[0] = in.readLong();
            in.readDouble();
            got[1] = in.readLong();
            in.readFully(new byte[4096]);
        });
        return got;
    }

    private String damage(Path file, java.util.function.Consumer<byte[]> change) throws IOException {
        byte[] b = Files.readAllBytes(write());
        change.accept(b);
        Files.write(file, b);
        return assertThrows(IOException.class, () -> read(file)).getMessage();
    }

    @Test
    void anIntactCheckpointReadsBack() throws IOException {
        assertEquals("[1925, 6656]", Arrays.toString(read(write())));
        assertFalse(Files.exists(dir.resolve("checkpoint.bin.tmp")));
    }

    @Test
    void everyChangeIsDamage() throws IOException {
        Path f = dir.resolve("checkpoint.bin");
        String damaged = f + " is damaged: its checksum does not match its contents (cut short, changed or appended to since it was written);"
                + " start a new run with --out, or restore the file";
        assertEquals(damaged, damage(f, b -> b[b.length / 2] ^= 1), "one bit at 50%");
        assertEquals(damaged, damage(f, b -> {
            for (int i = 0; i < 64; i++) {
                b[b.length * 9 / 10 + i] ^= (byte) 0xA5;
            }
        }), "64 bytes at 90%");
        /* the steps counter: the magic (2 + 16 bytes), the fingerprint (2 + 2), csv length and seconds (16) precede it */
        assertEquals(damaged, damage(f, b -> b[38 + 1] = 0x7F), "the step counter");
        assertEquals(damaged, damage(f, b -> b[30] ^= 0x40), "the seconds");
        byte[] whole = Files.readAllBytes(write());
        Files.write(f, Arrays.copyOf(whole, whole.length + 1));
        assertEquals(damaged, assertThrows(IOException.class, () -> read(f)).getMessage(), "a byte appended");
        Files.write(f, Arrays.copyOf(whole, whole.length / 2));
        assertEquals(damaged, assertThrows(IOException.class, () -> read(f)).getMessage(), "cut to half");
        assertEquals(f + " is not an rlo checkpoint of this version (rlo-checkpoint-2)", damage(f, b -> b[2] ^= 1), "the magic");
    }

    /** F23: /dev/full fails every write with "No space left on device", as a full disk does. */
    @Test
    void aFailedWriteRemovesItsTemporaryFileAndNamesTheFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full on this system");
        Path f = dir.resolve("checkpoint.bin");
        Files.createSymbolicLink(dir.resolve("checkpoint.bin.tmp"), Path.of("/dev/full"));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.write(f, "fp", out -> out.write(new byte[1 << 20])));
        assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
        assertFalse(Files.exists(dir.resolve("checkpoint.bin.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(f));
    }

    /** F28: a run directory is locked while a training writes there; the lock goes with its holder. */
    @Test
    void aRunDirectoryHasOneWriter() throws IOException {
        try (RunLock held = RunLock.take(dir)) {
            UserError e = assertThrows(UserError.class, () -> RunLock.take(dir));
            assertEquals(dir + " is in use by another rlo train (it holds " + dir.resolve(".lock")
                    + "); wait for it to end, or choose another --out", e.getMessage());
        }
        RunLock.take(dir).close();
        assertTrue(Files.exists(dir.resolve(".lock")));
    }

}
