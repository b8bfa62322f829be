package dev.rlo.compiler.base;

import java.util.concurrent.ThreadFactory;

/**
 * rlo's limits on what it reads and compiles (spec/syntax.md#limits, spec/cli.md#limits): each
 * is reported as a clear error naming the input, never as a crash. The compiler's tree walks
 * recurse on the nesting of expressions and calls, which these limits bound; {@link #thread}
 * makes the threads rlo's commands compile on, with a stack that holds walks of that depth.
 */
public final class Limits {

    /** How deep expressions may nest, in the source and through inlined calls (E090). */
    public static final int MAX_NESTING = 1000;

    /** How many operations a fn or objective may expand to once its calls are inlined (E091). */
    public static final long MAX_INLINED_OPERATIONS = 1_000_000;

    /** The largest source file rlo reads. */
    public static final long MAX_SOURCE_BYTES = 64L << 20;

    /** How deep JSON arrays and objects may nest in a file rlo reads. */
    public static final int MAX_JSON_NESTING = 1000;

    /** The stack of the threads rlo's commands compile on: room for walks {@link #MAX_NESTING} deep, many times over. */
    public static final long STACK_BYTES = 256L << 20;

    private Limits() { }

    /** A thread named {@code name} with a {@link #STACK_BYTES} stack. */
    public static Thread thread(Runnable task, String name) {
        return new Thread(null, task, name, STACK_BYTES);
    }

    /**
     * Runs {@code task} on a {@link #thread} named {@code name} and waits for it: how a caller on a
     * thread of unknown stack (a build tool's, an application's) compiles deeply nested programs.
     * What the task throws is thrown here, unchecked as it was.
     */
    public static <T> T onThread(String name, java.util.concurrent.Callable<T> task) throws Exception {
        Object[] result = new Object[1];
        Throwable[] thrown = new Throwable[1];
        Thread t = thread(() -> {
            try {
                result[0] = task.call();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, name);
        t.start();
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                t.interrupt();
            }
        }
        switch (thrown[0]) {
            case null -> { }
            case Exception e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(thrown[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /** Makes {@link #thread}s, numbered after {@code name}. */
    public static ThreadFactory threads(String name) {
        int[] n = {0};
        return task -> {
            Thread t = thread(task, name + "-" + ++n[0]);
            t.setDaemon(true);
            return t;
        };
    }

    /** A number of bytes for people: {@code 512 bytes}, {@code 64.0 MiB}, {@code 3.0 GiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
