package dev.rlo.compiler.check;

import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.resolve.LoadedModule;

/**
 * {@code rlo check --types}: the inferred type of every parameter, {@code let}, {@code report} and
 * result of a checked module, so that a reader sees the named shapes the checker proved.
 * <pre>
 * objective qae (examples/qae.rlo:3)
 *   input   logp      f32[G,K,L]  grad
 *   let     base      f32[G]
 *   result  loss      f32         differentiable in logp
 * </pre>
 */
public final class TypesListing {

    private TypesListing() { }

    public static String render(LoadedModule module, Checker checker) {
        if (module.ast() == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Decl d : module.ast().decls()) {
            if (d instanceof FnDecl f && checker.info(f) != null) {
                out.append(render(checker.info(f)));
            }
        }
        return out.toString();
    }

    private static String render(FnInfo info) {
        FnDecl d = info.decl();
        StringBuilder out = new StringBuilder(d.keyword() + " " + d.name().name() + " (" + d.span() + ")\n");
        int nameWidth = info.bindings().stream().mapToInt(b -> b.name().length()).max().orElse(0);
        int typeWidth = info.bindings().stream().mapToInt(b -> show(b).length()).max().orElse(0);
        for (FnInfo.Binding b : info.bindings()) {
            String line = String.format("  %-7s %-" + Math.max(1, nameWidth) + "s  %-" + typeWidth + "s  %s",
                    b.kind(), b.name(), show(b), b.note() == null ? "" : b.note());
            out.append(line.stripTrailing()).append('\n');
        }
        return out.append('\n').toString();
    }

    private static String show(FnInfo.Binding b) {
        if (b.kind().equals("hyper") && b.typed() == Typed.POISON && b.note() != null && b.note().startsWith("= \"")) {
            return "choice";
        }
        return show(b.typed());
    }

    private static String show(Typed t) {
        if (!(t instanceof Typed.Value v)) {
            return "(error)";
        }
        return v.type().weak() ? "weak " + v.type() : v.type().toString();
    }
}
