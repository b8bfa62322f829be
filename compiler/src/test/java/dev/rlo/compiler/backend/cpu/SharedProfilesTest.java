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
        List<Path> goldens;
        try (Stream<Path> files = Files.list(Path.of("src/test/golden/plan"))) {
            goldens = files.filter(p -> p.toString().endsWith(".vector.java")).sorted().toList();
        }
        assertTrue(goldens.size() >= 5, "plan goldens with vector code: " + goldens);
        for (Path p : goldens) {
            noSharedDispatch(p.getFileName().toString(), Files.readString(p));
        }
        noSharedDispatch("VectorMath.SOURCE", VectorMath.SOURCE);
    }

    @Test
    void thePatternFindsTheCallsItForbids() {
        assertTrue(SHARED.matcher("k0.reinterpretAsFloats().intoArray(a, 0);").find());
        assertTrue(SHARED.matcher("((FloatVector) v.convert(VectorOperators.I2F, 0))").find());
        assertFalse(SHARED.matcher("((FloatVector) k0.reinterpretShape(F, 0)).intoArray(a, 0);").find());
        assertFalse(SHARED.matcher("v.convertShape(VectorOperators.I2F, F, 0)").find());
    }

    private static void noSharedDispatch(String where, String source) {
        Matcher m = SHARED.matcher(source);
        if (m.find()) {
            int line = source.substring(0, m.start()).split("\n", -1).length;
            throw new AssertionError(where + ":" + line + ": " + m.group() + " dispatches inside the JDK, on a profile every caller shares");
        }
    }
}
