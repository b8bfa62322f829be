package dev.rlo.runtime.out;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void countsAndClocksReadLikeTqdm() {
        assertEquals("999", Progress.count(999));
        assertEquals("42.0k", Progress.count(42_000 + 40));
        assertEquals("100k", Progress.count(100_000));
        assertEquals("1.50M", Progress.count(1_500_000));
        assertEquals("0:14", Progress.clock(14.2));
        assertEquals("1:02:03", Progress.clock(3723));
    }

    @Test
    void aTerminalLineIsCutToItsWidth() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress bar = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 40, "ppo_cartpole", 1000, 0);
        bar.update(1000, 12, 187.3, 0.0123);
        String line = bytes.toString(StandardCharsets.UTF_8).replace("\r\033[2K", "").strip();
        assertEquals(39, line.codePointCount(0, line.length()), line);
        assertTrue(line.startsWith("ppo_cartpole 100% |█████") && line.endsWith("…"), line);
    }

    @Test
    void aLogGetsALineAtTheStartAndPerTenth() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress bar = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 0, "t", 100, 0);
        for (int s = 1; s <= 100; s++) {
            bar.update(s, 0, Double.NaN, Double.NaN);
        }
        assertEquals(11, bytes.toString(StandardCharsets.UTF_8).lines().count(), "the first iteration and each tenth");
    }
}
