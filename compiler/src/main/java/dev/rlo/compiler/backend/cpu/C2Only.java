package dev.rlo.compiler.backend.cpu;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Leaves the generated kernels ({@code dev.rlo.kernels}) to C2: a HotSpot compiler directive that
 * excludes C1 for them, added once per JVM through the DiagnosticCommand MBean (what
 * {@code jcmd PID Compiler.directives_add} does), so that no JVM flag is needed and library use,
 * tests and Spark executors get it too.
 *
 * <p>Why: C1 runs out of virtual registers on a large kernel's Vector API code ("COMPILE SKIPPED: out
 * of virtual registers in LIR generator"); the kernel then stays in C1's tier 2, where Vector API
 * operations are not intrinsified, and never reaches C2. A PPO minibatch of 256 took 29 µs per call
 * there, 8 µs in C2 (docs/benchmarks.md, issue 19). Without C1 a kernel is interpreted until C2 takes
 * it, as its loops warm. Where the MBean is missing (a JVM without java.management) kernels still
 * run, tiered as any other code.
 */
final class C2Only {

    private static final String DIRECTIVE = "[{ match: \"dev/rlo/kernels/*.*\", c1: { Exclude: true } }]";
    private static boolean installed;
    private static boolean taken;

    private C2Only() { }

    /** Adds the directive, once; true if HotSpot took it. */
    static synchronized boolean install() {
        if (!installed) {
            installed = true;
            try {
                Path file = Files.createTempFile("rlo-c2-only", ".json");
                try {
                    Files.writeString(file, DIRECTIVE);
                    Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                            new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
                    taken = String.valueOf(reply).contains("1 compiler directives added");
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (Exception | LinkageError e) {
                taken = false;
            }
        }
        return taken;
    }
}
