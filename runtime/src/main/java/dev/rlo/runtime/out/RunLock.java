package dev.rlo.runtime.out;

import dev.rlo.compiler.base.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run directory's {@code .lock}: held, through the operating system's file lock, by the one
 * training that writes there, so that two trainings given the same {@code --out} cannot interleave
 * their rows and checkpoints. The system releases it when the process ends, however it ends.
 */
public final class RunLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes {@code dir}'s lock; a {@link UserError} when another training holds it. */
    public static RunLock take(Path dir) throws IOException {
        Path file = dir.resolve(".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;   /* held by this process */
        }
        if (lock == null) {
            channel.close();
            throw new UserError(dir + " is in use by another rlo train (it holds " + file + "); wait for it to end, or choose another --out");
        }
        return new RunLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
