package dev.rlo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parse-tree goldens: every {@code examples/ok/Name.rlo} parses without a syntax error to the tree
 * in {@code Name.rlo.tree}, and every input of {@code examples/ok/Name.repl} (they are separated by
 * blank lines) as a REPL input, or an input {@code :command …} as a command, to the trees in
 * {@code Name.repl.tree}. Run with
 * {@code -Dgolden.update=true} to rewrite the trees, then read the diff. (The {@code bad/} examples'
 * messages are rlo diagnostics, so the compiler module tests them.)
 */
class GrammarGoldenTest {

    static final Path OK = Path.of("src/test/examples/ok");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    Stream<DynamicTest> okExamplesParseToTheirTrees() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(OK)) {
            s.filter(p -> p.toString().endsWith(".rlo")).sorted().forEach(files::add);
        }
        assertTrue(files.size() >= 10, "expected the ok/ corpus, found " + files.size() + " files");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    @TestFactory
    Stream<DynamicTest> okReplInputsParseToTheirTrees() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(OK)) {
            s.filter(p -> p.toString().endsWith(".repl")).sorted().forEach(files::add);
        }
        assertTrue(!files.isEmpty(), "expected REPL examples in " + OK);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> checkRepl(f)));
    }

    /** A parser of {@code source} that collects syntax errors into {@code errors}. */
    private static RloParser parser(String source, List<String> errors) {
        RloParser parser = new RloParser(new CommonTokenStream(new RloLexer(CharStreams.fromString(source))));
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object o, int line, int col, String msg, RecognitionException e) {
                errors.add(line + ":" + col + " " + msg);
            }
        });
        return parser;
    }

    private static void check(Path file) throws IOException {
        List<String> errors = new ArrayList<>();
        RloParser parser = parser(Files.readString(file, StandardCharsets.UTF_8), errors);
        String tree = new TreePrinter(parser).print(parser.program());
        assertEquals(List.of(), errors, file + " should parse");
        compare(file, tree);
    }

    private static void checkRepl(Path file) throws IOException {
        StringBuilder trees = new StringBuilder();
        for (String input : Files.readString(file, StandardCharsets.UTF_8).strip().split("\n\\s*\n")) {
            List<String> errors = new ArrayList<>();
            RloParser parser = parser(input, errors);
            parser.replMode();
            trees.append(input).append('\n').append(new TreePrinter(parser).print(input.startsWith(":") ? parser.replCommand()
                    : parser.replInput()));
            assertEquals(List.of(), errors, input + " should parse");
        }
        compare(file, trees.toString());
    }

    private static void compare(Path file, String tree) throws IOException {
        Path golden = Path.of(file + ".tree");
        if (UPDATE) {
            Files.writeString(golden, tree, StandardCharsets.UTF_8);
        }
        assertEquals(Files.exists(golden) ? Files.readString(golden, StandardCharsets.UTF_8) : "(no golden)", tree,
                "parse tree of " + file + " (rerun with -Dgolden.update=true to accept)");
    }
}
