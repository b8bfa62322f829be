package dev.rlo.compiler;

import dev.rlo.compiler.fuse.FusePass;
import dev.rlo.compiler.fuse.Schedule;
import dev.rlo.compiler.fuse.SchedulePrinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Schedule goldens: {@code golden/plan/Name.rlo}'s objectives, with gradients, print as
 * {@code Name.schedule} ({@code rlo compile --emit schedule}). A diff here changes how every fused
 * backend runs a plan: its launches, loops, scratch and where reductions finish.
 */
class ScheduleGoldenTest {

    @TestFactory
    java.util.stream.Stream<DynamicTest> plansScheduleAsTheirGoldens() {
        return Goldens.suite(PlanGoldenTest.DIR, ".schedule", ScheduleGoldenTest::schedules);
    }

    private static String schedules(Path file) {
        try {
            Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file),
                    file.toAbsolutePath().getParent(), List.of());
            return c.objectives().stream().map(o -> SchedulePrinter.print(Schedule.of(FusePass.plan(c.graph(o, Map.of(), false, true)))))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
