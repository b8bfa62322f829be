package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceSpan;
import java.util.List;

/** The {@code ///} doc comment before a declaration: its lines without the {@code ///} marker. */
public record Doc(List<String> lines, SourceSpan span) {

    public String text() {
        return String.join("\n", lines);
    }
}
