package dev.rlo.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.check.Builtin;
import dev.rlo.compiler.diag.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps spec/ and the code in step: every rule in the spec has a golden that cites it, every
 * citation points at a rule, every grammar rule and keyword is described, every diagnostic code
 * and builtin is documented, and every diagnostic code is exercised by a golden.
 */
class SpecCoverageTest {

    static final Path SPEC = Path.of("../spec");
    static final List<String> RULE_PAGES = List.of("syntax.md", "types-and-shapes.md", "modules.md", "train.md", "builtins.md");
    static final List<Path> GOLDEN_DIRS = List.of(Path.of("../grammar/src/test/examples/ok"),
            Path.of("../grammar/src/test/examples/bad"), CheckGoldenTest.OK, CheckGoldenTest.BAD, CheckGoldenTest.WARN, IrGoldenTest.DIR);
    static final Pattern CITATION = Pattern.compile("^// spec: ([a-z-]+\\.md)#([a-z0-9-]+)");

    @Test
    void everySpecRuleIsCitedByAGoldenAndEveryCitationExists() throws IOException {
        Set<String> rules = new TreeSet<>();
        Set<String> anchors = new TreeSet<>();
        try (Stream<Path> pages = Files.list(SPEC)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).toList()) {
                String name = page.getFileName().toString();
                for (String line : Files.readAllLines(page)) {
                    if (line.startsWith("## ")) {
                        anchors.add(name + "#" + anchor(line.substring(3)));
                        if (RULE_PAGES.contains(name)) {
                            rules.add(name + "#" + anchor(line.substring(3)));
                        }
                    }
                }
            }
        }
        Set<String> cited = new TreeSet<>();
        for (Path dir : GOLDEN_DIRS) {
            for (Path f : Goldens.rloFiles(dir)) {
                String first = Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1).getFirst();
                Matcher m = CITATION.matcher(first);
                assertTrue(m.find(), f + " must start with a `// spec: page.md#rule` line");
                String citation = m.group(1) + "#" + m.group(2);
                assertTrue(anchors.contains(citation), f + " cites " + citation + ", which is not a section of spec/");
                cited.add(citation);
            }
        }
        Set<String> uncited = new TreeSet<>(rules);
        uncited.removeAll(cited);
        assertEquals(Set.of(), uncited, "spec rules without a golden");
    }

    @Test
    void everyGrammarRuleAndKeywordIsInTheSyntaxSpec() throws IOException {
        String syntax = Files.readString(SPEC.resolve("syntax.md"));
        String parser = Files.readString(Path.of("../grammar/src/main/antlr4/dev/rlo/grammar/RloParser.g4"));
        String lexer = Files.readString(Path.of("../grammar/src/main/antlr4/dev/rlo/grammar/RloLexer.g4"));
        List<String> missing = new ArrayList<>();
        Matcher rule = Pattern.compile("(?m)^([a-z][a-zA-Z]*)\\s*$").matcher(parser);
        while (rule.find()) {
            if (!syntax.contains(rule.group(1) + " ") && !syntax.contains(rule.group(1) + "\n")) {
                missing.add("rule " + rule.group(1));
            }
        }
        Matcher keyword = Pattern.compile("'([a-z][a-z0-9]*)'").matcher(lexer);
        while (keyword.find()) {
            if (!syntax.contains(keyword.group(1))) {
                missing.add("keyword " + keyword.group(1));
            }
        }
        assertEquals(List.of(), missing, "grammar constructs missing from spec/syntax.md");
    }

    @Test
    void everyCodeIsDocumentedAndExercised() throws IOException {
        List<String> headings = Files.readAllLines(SPEC.resolve("errors.md")).stream()
                .filter(l -> l.startsWith("## ")).map(l -> l.substring(3)).toList();
        List<String> expected = Stream.of(Code.values()).map(c -> c.name() + " " + c.title()).toList();
        assertEquals(expected, headings, "spec/errors.md headings must be the codes of Code.java, in order");

        Set<String> seen = new LinkedHashSet<>();
        for (Path dir : List.of(CheckGoldenTest.BAD, CheckGoldenTest.SYNTAX_BAD, CheckGoldenTest.WARN)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".errors")).toList()) {
                    Matcher m = Pattern.compile("(?:error|warning)\\[([EW]\\d+)\\]").matcher(Files.readString(f));
                    while (m.find()) {
                        seen.add(m.group(1));
                    }
                }
            }
        }
        List<String> untested = Stream.of(Code.values()).map(Code::name).filter(c -> !seen.contains(c)).toList();
        assertEquals(List.of(), untested, "codes without a bad golden");
    }

    @Test
    void everyBuiltinSignatureIsInTheBuiltinsSpec() throws IOException {
        String spec = Files.readString(SPEC.resolve("builtins.md"));
        List<String> missing = Stream.of(Builtin.values()).map(Builtin::signature).filter(s -> !spec.contains(s)).toList();
        assertEquals(List.of(), missing, "builtin signatures missing from spec/builtins.md");
    }

    @Test
    void everyOpHasARowInTheIrSpec() throws IOException {
        String ir = Files.readString(SPEC.resolve("ir.md"));
        List<String> missing = Stream.of(dev.rlo.compiler.ir.Op.values()).map(dev.rlo.compiler.ir.Op::label)
                .filter(l -> !Pattern.compile("\\n\\| [^|]*`" + l + "`").matcher(ir).find()).toList();
        assertEquals(List.of(), missing, "ops without a row in spec/ir.md");
    }

    /** The GitHub-style anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").trim().replace(' ', '-');
    }
}
