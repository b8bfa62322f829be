package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rlo.compiler.diag.Diagnostic;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.resolve.SourceRoot;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.grammar.RloLexer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No input may make the front end fail: thousands of programs — the corpus (examples, stdlib,
 * goldens) mutated by token deletions, duplications, swaps, replacements, truncations and stray
 * characters, and random programs from {@link ProgramGenerator} — are checked, and each must give
 * diagnostics, never an exception; every diagnostic must point inside its file and render.
 * <p>
 * The seed changes per run, so CI keeps exploring; a failure prints the seed and the program.
 * Rerun one with {@code -Dfuzz.seed=N}.
 */
class FuzzTest {

    static final int MUTANTS = 3000;
    static final int GENERATED = 3000;
    static final long SEED = Long.getLong("fuzz.seed", System.currentTimeMillis());
    static final String[] STRAY = {"@", "\"", "///", "//", "\n", "{", "}", "(", ")", "[", "]", "->", "=", ",", ":",
        "é", "\t", "0x", "1e", "_", "..", "λ", "\u0000", "'"};

    static List<String> corpus = new ArrayList<>();

    @BeforeAll
    static void readCorpus() throws IOException {
        for (String dir : List.of("../examples", "../stdlib/std", "src/test/golden/check", "../grammar/src/test/examples")) {
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                for (Path p : s.filter(f -> f.toString().endsWith(".rlo")).sorted().toList()) {
                    corpus.add(dev.rlo.compiler.source.SourceFile.decode(p.toString(), Files.readAllBytes(p)).text());
                }
            }
        }
        assertTrue(corpus.size() > 50, "corpus too small: " + corpus.size());
    }

    @Test
    void mutatedProgramsNeverCrashTheFrontEnd() {
        Random random = new Random(SEED);
        for (int i = 0; i < MUTANTS; i++) {
            String program = mutate(corpus.get(random.nextInt(corpus.size())), random);
            check(program, "mutant " + i);
        }
    }

    @Test
    void generatedProgramsNeverCrashTheChecker() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < GENERATED; i++) {
            check(new ProgramGenerator(random).program(), "generated program " + i);
        }
    }

    private static void check(String program, String what) {
        Session session = new Session(List.of());
        SourceFile file = new SourceFile("fuzz.rlo", program);
        try {
            session.check(new SourceRoot.Loaded("fuzz:" + what, file), null);
            Diagnostics diags = session.diagnostics();
            for (Diagnostic d : diags.sorted()) {
                int line = d.span().line();
                assertTrue(line >= 1 && line <= d.span().file().lineCount(), "diagnostic outside its file: " + d);
                Diagnostics.render(d);
            }
            diags.toJson();
        } catch (Throwable e) {
            fail("internal error on " + what + " (seed " + SEED + "): " + e + "\n--- program ---\n" + program, e);
        }
    }

    /** One to three token- or character-level mutations of {@code source}. */
    static String mutate(String source, Random random) {
        String s = source;
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            List<? extends Token> tokens = new RloLexer(CharStreams.fromString(s)).getAllTokens();
            if (tokens.isEmpty()) {
                return s + STRAY[random.nextInt(STRAY.length)];
            }
            Token t = tokens.get(random.nextInt(tokens.size()));
            int start = t.getStartIndex();
            int end = t.getStopIndex() + 1;
            s = switch (random.nextInt(7)) {
                case 0 -> s.substring(0, start) + s.substring(end);                                   // delete
                case 1 -> s.substring(0, end) + " " + t.getText() + s.substring(end);                // duplicate
                case 2 -> swapWithNext(s, tokens, tokens.indexOf(t));                                // swap
                case 3 -> s.substring(0, start) + tokens.get(random.nextInt(tokens.size())).getText() + s.substring(end);
                case 4 -> s.substring(0, random.nextInt(s.length() + 1));                           // truncate
                case 5 -> s.substring(0, start) + STRAY[random.nextInt(STRAY.length)] + s.substring(start);
                default -> {                                                                        // drop a line
                    String[] lines = s.split("\n", -1);
                    int drop = random.nextInt(lines.length);
                    List<String> kept = new ArrayList<>(List.of(lines));
                    kept.remove(drop);
                    yield String.join("\n", kept);
                }
            };
        }
        return s;
    }

    private static String swapWithNext(String s, List<? extends Token> tokens, int i) {
        if (i + 1 >= tokens.size()) {
            return s;
        }
        Token a = tokens.get(i);
        Token b = tokens.get(i + 1);
        return s.substring(0, a.getStartIndex()) + b.getText() + s.substring(a.getStopIndex() + 1, b.getStartIndex())
                + a.getText() + s.substring(b.getStopIndex() + 1);
    }
}
