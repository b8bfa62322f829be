package dev.rlo.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Building an OpenCL program on PoCL loads LLVM, which installs one-shot SIGSEGV, SIGBUS and SIGILL
 * handlers over the JVM's (and PoCL a SIGFPE one). The JVM takes those signals in normal running,
 * so two threads faulting at once ended a test JVM with "Segmentation fault" and no error report.
 * The launcher and the build preload the JDK's libjsig (spec/gpu.md#signals): the JVM's handlers
 * stay installed, the libraries' are chained behind them. Read from the JVM's own report (what
 * {@code jcmd PID VM.info} prints): a handler a library replaced must be chained.
 */
class OpenClSignalsTest {

    @Test
    void theJvmKeepsItsSignalHandlersAfterPoclBuildsAProgram() throws Exception {
        Backend opencl = Devices.opencl();
        Tensor x = Tensor.of(DType.F32, List.of("B"), new long[] {3}, new double[] {1, 2, 3});
        Tensor loss = Rlo.source("objective s(x: f32[B] grad) { sum(x * x) }\n").compile("s", Map.of(), false, opencl)
                .run(Map.of("x", x)).loss();
        assertEquals(14.0, loss.values()[0], 0.0, "1 + 4 + 9");

        String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmInfo", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        List<String> lines = info.substring(info.indexOf("Signal Handlers:")).lines().map(String::strip).toList();
        for (String signal : List.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL")) {
            int at = lines.indexOf(lines.stream().filter(l -> l.startsWith(signal + ":")).findFirst().orElseThrow());
            int end = at + 1;
            while (end < lines.size() && lines.get(end).startsWith("*")) {
                end++;
            }
            boolean own = lines.get(at).startsWith(signal + ": javaSignalHandler");
            boolean chained = end < lines.size() && lines.get(end).startsWith("chained to:");
            String entry = String.join("\n", lines.subList(at, chained ? end + 1 : end));
            assertTrue(own || chained, signal + "'s handler was replaced and not chained (is the JDK's libjsig.so in LD_PRELOAD?):\n" + entry);
        }
    }
}
