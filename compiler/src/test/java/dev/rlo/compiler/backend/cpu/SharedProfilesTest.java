package dev.rlo.compiler.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Generated vector code calls no Vector API method that dispatches again inside the JDK, where the
 * call's type profile is shared by every caller in the JVM (spec/ir.md, *Vectors*):
 * {@code reinterpretAsInts()} and its kin and {@code convert(op, part)} are written
 * {@code reinterpretShape(species, 0)} and {@code convertShape(op, species, part)}, which dispatch
 * at the kernel's own call site. Checked on every plan golden's vector source (they are what the
 * backend generates, {@code PlanGoldenTest}) and on the vector math the classes carry.
 */
class SharedProfilesTest {

    static final Pattern SHARED = Pattern.compile("\\.reinterpretAs[A-Z][a-z]+\\(\\)|\\.convert\\(VectorOperators|\\.castShape\\(");

    @Test
    void generatedVectorCodeDispatchesAtItsOwnCallSites() throws IOException {
        List<Path> goldens = goldens(".vector.java");
        assertTrue(goldens.size() >= 5, "plan goldens with vector code: " + goldens);
        for (Path p : goldens) {
            noSharedDispatch(p.getFileName().toString(), Files.readString(p));
        }
        noSharedDispatch("VectorMath.SOURCE", VectorMath.SOURCE);
    }

    /** A segment read from the kernel's arrays, or a parameter of a generated method, not cast at once. */
    static final Pattern UNCAST = Pattern.compile("MemorySegment \\w+ = (b|aux)\\[\\d+\\];|\\(([^()]*, )?MemorySegment (?<param>\\w+)[,)][^{]*\\{\\n(?!\\s*final MemorySegment \\w+ = NATIVE\\.cast\\(\\k<param>\\);)");

    /**
     * Every segment generated code is given is cast to {@link PlanCode#NATIVE} where it is first
     * read: the kernels' buffers and the tile helpers' parameters, but for {@code tileIn} and
     * {@code tileOut}, which hand theirs to the helpers and cast it where they copy.
     */
    @Test
    void generatedCodeCastsTheSegmentsItIsGiven() throws IOException {
        List<Path> goldens = goldens(".java");
        int cast = 0;
        for (Path p : goldens) {
            /* the lines of tileIn's and tileOut's signatures blanked, line numbers kept */
            String source = Files.readString(p).replaceAll("(?m)^.*static void tile(In|Out)\\(.*$", "");
            Matcher m = UNCAST.matcher(source);
            if (m.find()) {
                int line = source.substring(0, m.start()).split("\n", -1).length;
                throw new AssertionError(p.getFileName() + ":" + line + ": a segment not cast to PlanCode.NATIVE: " + m.group().strip());
            }
            cast += source.split("NATIVE\\.cast\\(", -1).length - 1;
        }
        assertTrue(cast > 2 * goldens.size(), "casts in " + goldens.size() + " goldens: " + cast);
    }

    @Test
    void theUncastPatternFindsSegmentsNotCast() {
        assertTrue(UNCAST.matcher("        final MemorySegment b3 = b[3];").find());
        assertTrue(UNCAST.matcher("    static boolean in16(MemorySegment seg, long at, int k) {\n        FloatVector x0 = null;").find());
        assertFalse(UNCAST.matcher("        final MemorySegment b3 = NATIVE.cast(b[3]);").find());
        assertFalse(UNCAST.matcher("    static boolean in16(MemorySegment segment, long at, int k) {\n        final MemorySegment seg = NATIVE.cast(segment);").find());
        assertFalse(UNCAST.matcher("    static void k0(int phase, MemorySegment[] b, MemorySegment[] aux, long[] n) {\n").find());
    }

    @Test
    void thePatternFindsTheCallsItForbids() {
        assertTrue(SHARED.matcher("k0.reinterpretAsFloats().intoArray(a, 0);").find());
        assertTrue(SHARED.matcher("((FloatVector) v.convert(VectorOperators.I2F, 0))").find());
        assertFalse(SHARED.matcher("((FloatVector) k0.reinterpretShape(F, 0)).intoArray(a, 0);").find());
        assertFalse(SHARED.matcher("v.convertShape(VectorOperators.I2F, F, 0)").find());
    }

    /** The plan goldens whose names end with {@code suffix}, in order. */
    private static List<Path> goldens(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/golden/plan"))) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static void noSharedDispatch(String where, String source) {
        Matcher m = SHARED.matcher(source);
        if (m.find()) {
            int line = source.substring(0, m.start()).split("\n", -1).length;
            throw new AssertionError(where + ":" + line + ": " + m.group() + " dispatches inside the JDK, on a profile every caller shares");
        }
    }
}
