package dev.rlo.compiler.ast;

/** Binary operators, tightest binding first (spec/syntax.md#operators). */
public enum BinaryOp {
    POW("**"),
    MUL("*"),
    DIV("/"),
    ADD("+"),
    SUB("-"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    EQ("=="),
    NE("!="),
    AND("and"),
    OR("or");

    private final String symbol;

    BinaryOp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean isComparison() {
        return compareTo(LT) >= 0 && compareTo(NE) <= 0;
    }

    public boolean isLogical() {
        return this == AND || this == OR;
    }

    public static BinaryOp ofSymbol(String symbol) {
        for (BinaryOp op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        throw new IllegalArgumentException(symbol);
    }
}
