package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The directive that leaves generated kernels to C2 is taken by this JVM (a HotSpot with java.management), once. */
class C2OnlyTest {

    @Test
    void hotSpotTakesTheDirectiveOnce() throws Exception {
        assertTrue(C2Only.install());
        assertTrue(C2Only.install());
        String printed = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        assertTrue(printed.contains("dev/rlo/kernels/*.*"), printed);
        assertTrue(printed.indexOf("dev/rlo/kernels/*.*") == printed.lastIndexOf("dev/rlo/kernels/*.*"), "added once: " + printed);
    }
}
