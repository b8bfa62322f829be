package dev.rlo.compiler.diag;

/**
 * Every diagnostic rlo reports, by code. spec/errors.md lists each with an example, and a test keeps
 * the two in step; each code also has at least one golden under {@code golden/check/bad} or
 * {@code grammar/src/test/examples/bad}.
 */
public enum Code {
    // ---- syntax (E00x)
    E001("syntax error"),
    E002("unexpected character"),
    E003("unterminated string"),
    E004("misplaced doc comment"),
    E005("invalid literal"),
    E006("invalid UTF-8"),

    // ---- names and modules (E01x)
    E010("unknown name"),
    E011("unknown dimension"),
    E012("module not found"),
    E013("no such definition in module"),
    E014("import cycle"),
    E015("duplicate definition"),
    E016("builtin redefined"),
    E017("recursive function"),

    // ---- kinds of names (E02x)
    E020("not a function"),
    E021("function used as a value"),
    E022("dimension used as a value"),
    E023("expected a dimension"),
    E024("misplaced string or list"),
    E025("report outside an objective"),

    // ---- dtypes (E03x)
    E030("dtype mismatch"),
    E031("declared type mismatch"),
    E032("index is not an integer"),

    // ---- named-dimension shapes (E04x)
    E040("missing dimension"),
    E041("dimension already present"),
    E042("argument lacks a dimension"),
    E043("unbound function dimension"),
    E044("dimension both mapped and bound"),
    E045("misplaced or conflicting dimension size"),
    E046("dimension sizes do not match"),
    E047("index out of range"),

    // ---- calls and parameters (E05x)
    E050("missing argument"),
    E051("too many arguments"),
    E052("unknown named argument"),
    E053("duplicate argument"),
    E054("positional argument after named argument"),
    E055("argument must be a constant"),
    E056("invalid hyper-parameter"),
    E057("conflicting arguments"),
    E058("grouped reduction over several dimensions"),

    // ---- objectives (E06x)
    E060("loss is not a scalar"),
    E061("loss is not a float"),
    E062("no differentiable input"),
    E063("loss does not depend on a differentiable input"),
    E064("differentiable input is not a float"),
    E065("grad outside an objective"),

    // ---- train blocks (E07x)
    E070("unknown train setting"),
    E071("missing train setting"),
    E072("not an objective"),
    E073("invalid train setting"),

    // ---- sweep blocks (E08x)
    E080("unknown sweep setting"),
    E081("missing sweep setting"),
    E082("invalid sweep value"),

    // ---- limits (E09x)
    E090("nesting too deep"),
    E091("program too large"),

    // ---- warnings: legal, but probably not what was meant (W00x)
    W001("unused import"),
    W002("parameter named like a dimension"),
    W003("unused let");

    private final String title;

    Code(String title) {
        this.title = title;
    }

    /** A short name for the code, as in spec/errors.md's headings. */
    public String title() {
        return title;
    }
}
