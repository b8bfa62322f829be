package dev.rlo.cli.repl;

import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.check.Builtin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What {@code :help NAME} shows, from the sources the documentation already has, so it cannot drift
 * from them: a builtin's signature (Builtin's table) with its result and meaning from its row of
 * spec/builtins.md, and a fn's or objective's header and {@code ///} doc comment. spec/builtins.md
 * and spec/stdlib.md are packaged with rlo; the latter's table says which module of the standard
 * library defines a name.
 */
final class Help {

    private static final List<String[]> BUILTIN_ROWS = rows("builtins.md");
    private static final List<String[]> STDLIB_ROWS = rows("stdlib.md");

    private Help() { }

    /** {@code signature → result}, then the meaning, from the row of spec/builtins.md that holds the signature. */
    static String builtin(Builtin b) {
        String signature = b.signature();
        for (String[] row : BUILTIN_ROWS) {
            if (row.length >= 3 && row[0].contains("`" + signature + "`")) {
                return signature + " → " + plain(row[1]) + "\n  " + plain(row[2]) + "\n  (a builtin: spec/builtins.md)\n";
            }
        }
        return signature + "\n  (a builtin: spec/builtins.md)\n";
    }

    /** The module of the standard library that defines {@code name}, or null. */
    static String stdlibModule(String name) {
        for (String[] row : STDLIB_ROWS) {
            if (row.length >= 2 && row[1].equals("`" + name + "`")) {
                return plain(row[0]);
            }
        }
        return null;
    }

    /** The standard library's modules, in the order of spec/stdlib.md. */
    static List<String> stdlibModules() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String[] row : STDLIB_ROWS) {
            if (row[0].startsWith("`std.")) {
                out.add(plain(row[0]));
            }
        }
        return List.copyOf(out);
    }

    /** A definition's header, {@code fn NAME(…) -> TYPE}, as written from its name to its body, its whitespace folded. */
    static String header(FnDecl f) {
        String text = f.span().file().text();
        return f.keyword() + " " + text.substring(f.name().span().start(), f.body().span().start()).strip().replaceAll("\\s+", " ");
    }

    /** A definition's header, where it comes from, and its doc comment. */
    static String definition(FnDecl f, String from) {
        StringBuilder out = new StringBuilder(header(f)).append("\n  (").append(from).append(")\n");
        if (f.doc() != null) {
            f.doc().lines().forEach(l -> out.append(l.isEmpty() ? "" : "  " + l).append('\n'));
        }
        return out.toString();
    }

    /** The cells of every table row of a packaged spec page; a cell's {@code \|} is a {@code |}. */
    private static List<String[]> rows(String page) {
        try (InputStream in = Help.class.getResourceAsStream(page)) {
            if (in == null) {
                throw new IllegalStateException("spec/" + page + " is not packaged with rlo");
            }
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.startsWith("| ") && line.endsWith(" |")) {
                    String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                    for (int i = 0; i < cells.length; i++) {
                        cells[i] = cells[i].strip().replace("\\|", "|");
                    }
                    rows.add(cells);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Markdown's inline code and emphasis marks dropped. */
    private static String plain(String cell) {
        return cell.replace("`", "").replace("**", "");
    }
}
