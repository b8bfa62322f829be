package dev.rlo.compiler.diag;

/** How bad a {@link Diagnostic} is: errors make {@code rlo check} exit 1, warnings do not. */
public enum Severity {
    ERROR,
    WARNING;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
