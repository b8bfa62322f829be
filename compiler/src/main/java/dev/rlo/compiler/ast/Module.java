package dev.rlo.compiler.ast;

import dev.rlo.compiler.source.SourceFile;
import java.util.List;

/** One parsed {@code .rlo} file: its imports and declarations, in source order. */
public record Module(SourceFile file, List<Import> imports, List<Decl> decls) { }
