package dev.rlo.compiler;

import dev.rlo.compiler.ir.IrPrinter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * IR goldens: {@code golden/ir/Name.rlo}'s objectives, lowered, differentiated and simplified, print
 * as {@code Name.ir} ({@code rlo compile --emit ir}). A change to these files changes what every
 * backend runs, so a diff here needs a reason in its commit.
 */
class IrGoldenTest {

    static final Path DIR = Path.of("src/test/golden/ir");

    @TestFactory
    Stream<DynamicTest> objectivesLowerToTheirIr() {
        return Goldens.suite(DIR, ".ir", file -> {
            try {
                Compiler c = Compiler.fromSource(file.getFileName().toString(), Files.readString(file),
                        file.toAbsolutePath().getParent(), List.of());
                return c.objectives().stream().map(o -> IrPrinter.print(c.graph(o, Map.of(), false, true)))
                        .collect(Collectors.joining("\n"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
