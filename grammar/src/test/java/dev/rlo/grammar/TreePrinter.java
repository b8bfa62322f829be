package dev.rlo.grammar;

import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Prints a parse tree for golden files. A labelled alternative shows as {@code expr:AddExpr}; a
 * rule's leading tokens and token-only children stay on its line, and each child after the first
 * nested one goes on a line of its own, indented:
 * <pre>
 * (stmt:LetStmt let x =
 *   (expr:AddExpr (expr:NameExpr a) + (expr:IntExpr 1)))
 * </pre>
 */
final class TreePrinter {

    private final Parser parser;

    TreePrinter(Parser parser) {
        this.parser = parser;
    }

    String print(ParseTree tree) {
        StringBuilder out = new StringBuilder();
        print(tree, 0, out);
        return out.append('\n').toString();
    }

    private void print(ParseTree tree, int depth, StringBuilder out) {
        if (tree instanceof TerminalNode t) {
            out.append(t.getSymbol().getType() == org.antlr.v4.runtime.Token.EOF ? "<EOF>" : t.getText());
            return;
        }
        ParserRuleContext ctx = (ParserRuleContext) tree;
        out.append('(').append(name(ctx));
        boolean inline = true; /* simple children continue the current line until a complex one */
        for (int i = 0; i < ctx.getChildCount(); i++) {
            ParseTree child = ctx.getChild(i);
            boolean simple = isLeafRule(child);
            if (simple && inline) {
                out.append(' ');
            } else {
                out.append('\n').append("  ".repeat(depth + 1));
            }
            inline = simple && inline;
            print(child, depth + 1, out);
        }
        out.append(')');
    }

    /** A rule node with only token children, small enough to print inline. */
    private static boolean isLeafRule(ParseTree t) {
        if (t instanceof TerminalNode) {
            return true;
        }
        for (int i = 0; i < t.getChildCount(); i++) {
            if (!(t.getChild(i) instanceof TerminalNode)) {
                return false;
            }
        }
        return true;
    }

    /** The rule name, plus the alternative's label when it has one: {@code expr:AddExpr}. */
    private String name(ParserRuleContext ctx) {
        String rule = parser.getRuleNames()[ctx.getRuleIndex()];
        String cls = ctx.getClass().getSimpleName().replace("Context", "");
        return cls.equalsIgnoreCase(rule) ? rule : rule + ":" + cls;
    }
}
