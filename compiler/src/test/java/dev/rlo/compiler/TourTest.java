package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compiler tour ({@code dev/rlo/compiler/package-info.java}) stays true: every class and method
 * it links exists, every spec file and section it cites exists, every golden directory it names
 * exists, and it mentions every package of {@link LayersTest#LAYERS}.
 */
class TourTest {

    static final Path TOUR = Path.of("src/main/java/dev/rlo/compiler/package-info.java");

    @Test
    void everyLinkNamesAClassOrMethodThatExists() throws Exception {
        Matcher m = Pattern.compile("\\{@link (dev\\.rlo\\.compiler\\.[\\w.]+)(?:#(\\w+))?}").matcher(tour());
        int links = 0;
        while (m.find()) {
            Class<?> c = Class.forName(m.group(1));
            if (m.group(2) != null) {
                String method = m.group(2);
                assertTrue(List.of(c.getDeclaredMethods()).stream().anyMatch(x -> x.getName().equals(method)), m.group());
            }
            links++;
        }
        assertTrue(links >= 8, "the tour links its entry points");
    }

    @Test
    void everySpecSectionAndGoldenDirectoryExists() throws IOException {
        String tour = tour();
        List<String> missing = new ArrayList<>();
        Matcher spec = Pattern.compile("spec/([\\w-]+\\.md)(?:#([\\w-]+))?").matcher(tour);
        while (spec.find()) {
            Path file = Path.of("..", "spec", spec.group(1));
            if (!Files.exists(file)) {
                missing.add(spec.group());
            } else if (spec.group(2) != null && Files.readAllLines(file).stream()
                    .noneMatch(l -> l.startsWith("#") && anchor(l).equals(spec.group(2)))) {
                missing.add(spec.group());
            }
        }
        Matcher golden = Pattern.compile("\\{@code (\\w+)/").matcher(tour);
        while (golden.find()) {
            if (!Files.isDirectory(Path.of("src/test/golden", golden.group(1)))) {
                missing.add("golden/" + golden.group(1));
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyPackageIsOnTheTour() throws IOException {
        String tour = tour();
        List<String> absent = new ArrayList<>();
        LayersTest.LAYERS.forEach(layer -> layer.stream().filter(p -> !p.isEmpty())
                .filter(p -> !tour.contains("{@code " + p + "}") && !tour.contains("{@code " + p.replace("backend.", "") + "}"))
                .forEach(absent::add));
        assertEquals(List.of(), absent);
    }

    /** GitHub's anchor for a heading: lower case, spaces to dashes, other punctuation dropped. */
    private static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-');
    }

    private static String tour() throws IOException {
        return Files.readString(TOUR);
    }
}
