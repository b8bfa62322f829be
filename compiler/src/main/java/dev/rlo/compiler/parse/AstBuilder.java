package dev.rlo.compiler.parse;

import dev.rlo.compiler.ast.BinaryOp;
import dev.rlo.compiler.ast.Body;
import dev.rlo.compiler.ast.Decl;
import dev.rlo.compiler.ast.Doc;
import dev.rlo.compiler.ast.Expr;
import dev.rlo.compiler.ast.FnDecl;
import dev.rlo.compiler.ast.Ident;
import dev.rlo.compiler.ast.Import;
import dev.rlo.compiler.ast.Module;
import dev.rlo.compiler.ast.Param;
import dev.rlo.compiler.ast.Stmt;
import dev.rlo.compiler.ast.SweepDecl;
import dev.rlo.compiler.ast.TrainDecl;
import dev.rlo.compiler.ast.TypeExpr;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostics;
import dev.rlo.compiler.source.SourceFile;
import dev.rlo.compiler.source.SourceSpan;
import dev.rlo.compiler.types.DType;
import dev.rlo.grammar.RloLexer;
import dev.rlo.grammar.RloParser.*;
import dev.rlo.grammar.RloParserBaseVisitor;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the AST from a parse tree that has no syntax errors: one {@code visitX} per labelled
 * expression alternative, one method per other rule. It performs no semantic checks; the only
 * diagnostics it reports are about literals (E005: bad string escapes, out-of-range numbers), a body
 * whose last statement the grammar split to find its result (E001), and
 * the argument names of REPL values (E001).
 */
final class AstBuilder extends RloParserBaseVisitor<Expr> {

    private final SourceFile file;
    private final Diagnostics diags;
    /** The REPL values met so far, each standing in the AST as the name {@code _t} + its index here. */
    private final List<ReplValue> replValues = new ArrayList<>();

    AstBuilder(SourceFile file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
    }

    // ---- modules and declarations ---------------------------------------------------------------

    Module module(ProgramContext ctx) {
        List<Import> imports = ctx.importDecl().stream().map(this::importDecl).toList();
        List<Decl> decls = ctx.decl().stream().map(this::decl).toList();
        return new Module(file, imports, decls);
    }

    private Import importDecl(ImportDeclContext ctx) {
        List<Ident> path = ctx.modulePath().IDENT().stream().map(this::ident).toList();
        List<Import.Item> items = ctx.importItem().stream()
                .map(i -> new Import.Item(ident(i.IDENT(0)), i.AS() == null ? null : ident(i.IDENT(1)), span(i)))
                .toList();
        return new Import(path, items, span(ctx));
    }

    private Decl decl(DeclContext ctx) {
        if (ctx.fnDecl() != null) {
            return fnDecl(ctx.fnDecl());
        }
        if (ctx.objectiveDecl() != null) {
            return objectiveDecl(ctx.objectiveDecl());
        }
        if (ctx.sweepDecl() != null) {
            SweepDeclContext w = ctx.sweepDecl();
            List<SweepDecl.Setting> settings = w.sweepSetting().stream()
                    .map(s -> new SweepDecl.Setting(ident(s.sweepKey().getStart()),
                            s.sweepKey().DOT() == null ? null : ident(s.sweepKey().getStop()), visit(s.expr()), span(s)))
                    .toList();
            return new SweepDecl(doc(w.doc()), ident(w.IDENT()), settings, span(w));
        }
        TrainDeclContext t = ctx.trainDecl();
        List<TrainDecl.Setting> settings = t.setting().stream()
                .map(s -> new TrainDecl.Setting(ident(s.settingKey().getStart()), visit(s.expr()), span(s)))
                .toList();
        return new TrainDecl(doc(t.doc()), ident(t.IDENT()), settings, span(t));
    }

    private FnDecl fnDecl(FnDeclContext f) {
        return new FnDecl(doc(f.doc()), false, ident(f.IDENT()), params(f.paramList()),
                f.type() == null ? null : type(f.type()), body(f.body()), span(f));
    }

    private FnDecl objectiveDecl(ObjectiveDeclContext o) {
        return new FnDecl(doc(o.doc()), true, ident(o.IDENT()), params(o.paramList()), null, body(o.body()), span(o));
    }

    private Doc doc(DocContext ctx) {
        if (ctx == null) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        for (TerminalNode line : ctx.DOC_COMMENT()) {
            String text = line.getText().substring(3);
            lines.add(text.startsWith(" ") ? text.substring(1) : text);
        }
        return new Doc(lines, span(ctx));
    }

    private List<Param> params(ParamListContext ctx) {
        if (ctx == null) {
            return List.of();
        }
        return ctx.param().stream().map(this::param).toList();
    }

    private Param param(ParamContext ctx) {
        return switch (ctx) {
            case InputParamContext p -> new Param(ident(p.IDENT()), type(p.type()), p.GRAD() != null, null, span(p));
            case HyperParamContext p -> new Param(ident(p.IDENT()), p.type() == null ? null : type(p.type()),
                    false, visit(p.expr()), span(p));
            default -> throw new IllegalStateException("unlabelled parameter " + ctx.getText());
        };
    }

    private TypeExpr type(TypeContext ctx) {
        List<Ident> dims = new java.util.ArrayList<>();
        List<TypeExpr.DimSize> sizes = new java.util.ArrayList<>();
        for (TypeDimContext d : ctx.typeDim()) {
            Ident dim = ident(d.IDENT());
            dims.add(dim);
            switch (d.dimSize()) {
                case null -> { }
                case FixedSizeContext f -> sizes.add(new TypeExpr.DimSize(dim, null, size(f.INT()), span(d)));
                case OffsetSizeContext o -> {
                    long k = size(o.INT());
                    sizes.add(new TypeExpr.DimSize(dim, ident(o.IDENT()), o.MINUS() != null ? -k : k, span(d)));
                }
                default -> throw new IllegalStateException("unlabelled size " + d.getText());
            }
        }
        return new TypeExpr(DType.of(ctx.DTYPE().getText()), dims, sizes, span(ctx));
    }

    /** A size in a type: an i32 literal (E005 beyond). */
    private long size(TerminalNode t) {
        String digits = t.getText().replace("_", "");
        if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
            diags.error(Code.E005, span(t), "size " + t.getText() + " is out of range for i32");
            return 1;
        }
        return Long.parseLong(digits);
    }

    private Body body(BodyContext ctx) {
        List<Stmt> stmts = ctx.stmt().stream().map(this::stmt).toList();
        if (!stmts.isEmpty() && splitsACall(ctx.stmt().getLast(), ctx.expr())) {
            StmtContext last = ctx.stmt().getLast();
            diags.error(Code.E001, SourceSpan.ofCodePoints(file, last.getStart().getStartIndex(), ctx.expr().getStop().getStopIndex() + 1),
                    "the body ends with a `" + last.getStart().getText() + "`, not with the expression it returns",
                    "`" + last.getStop().getText() + "(…)` was read as `" + last.getStop().getText() + "` and then a result `(…)`;"
                            + " end the body with the expression it returns (an objective's loss), on a line of its own");
        }
        return new Body(stmts, visit(ctx.expr()), span(ctx));
    }

    /**
     * Whether the grammar took a call in the last statement ({@code report adv = group_norm(r)})
     * apart to find the body's result, {@code (r)}: a body needs an expression last, and a name
     * followed on the same line by a parenthesised one can be read either way. On a line of its
     * own, a parenthesised result is one.
     */
    private static boolean splitsACall(StmtContext last, ExprContext result) {
        Token end = last.getStop();
        Token start = result.getStart();
        return end.getType() == RloLexer.IDENT && start.getType() == RloLexer.LPAREN && end.getLine() == start.getLine();
    }

    private Stmt stmt(StmtContext ctx) {
        return switch (ctx) {
            case LetStmtContext s -> new Stmt.Let(ident(s.IDENT()), s.type() == null ? null : type(s.type()),
                    visit(s.expr()), span(s));
            case ReportStmtContext s -> new Stmt.Report(ident(s.IDENT()), visit(s.expr()), span(s));
            default -> throw new IllegalStateException("unlabelled statement " + ctx.getText());
        };
    }

    // ---- REPL inputs ----------------------------------------------------------------------------

    ReplInput replInput(ReplInputContext ctx) {
        return switch (ctx) {
            case ReplImportContext c -> new ReplInput.Imports(importDecl(c.importDecl()));
            case ReplFnContext c -> new ReplInput.Definition(fnDecl(c.fnDecl()), List.copyOf(replValues));
            case ReplObjectiveContext c -> new ReplInput.Definition(objectiveDecl(c.objectiveDecl()), List.copyOf(replValues));
            case ReplLetContext c -> new ReplInput.Let(ident(c.IDENT()), visit(c.expr()), List.copyOf(replValues));
            case ReplEvalContext c -> new ReplInput.Eval(visit(c.expr()), List.of(), List.copyOf(replValues));
            case ReplEmptyContext c -> new ReplInput.Empty();
            default -> throw new IllegalStateException("unlabelled REPL input " + ctx.getText());
        };
    }

    ReplInput.Eval replCommand(ReplCommandContext ctx) {
        List<Ident> words = ctx.IDENT().stream().filter(w -> w.getSymbol() != ctx.command).map(this::ident).toList();
        return new ReplInput.Eval(visit(ctx.expr()), words, List.copyOf(replValues));
    }

    /** The topic of {@code :help}: a name, a dtype, or a module's path and entry; empty for none. */
    List<Ident> replHelp(ReplHelpContext ctx) {
        if (ctx.DTYPE() != null) {
            return List.of(ident(ctx.DTYPE()));
        }
        return ctx.modulePath() == null ? List.of() : ctx.modulePath().IDENT().stream().map(this::ident).toList();
    }

    /** A REPL value, recorded, and the name that stands for it; E001 for arguments it does not take. */
    @Override
    public Expr visitReplValueExpr(ReplValueExprContext ctx) {
        int index = replValues.size();
        String name = "_t" + index;
        SourceSpan span = span(ctx);
        replValues.add(null);    /* its index is taken before any value nested in it */
        ReplValue value = switch (ctx.replValue()) {
            case ReplRandomContext r -> random(name, r, span);
            case ReplLoadContext l -> load(name, l, span);
            case ReplLiteralContext l -> new ReplValue.Literal(name,
                    new Expr.ListLit(l.expr().stream().map(this::visit).toList(), span(l.REPL_LIST()).to(span(l.RBRACK()))),
                    type(l.type()), span);
            default -> throw new IllegalStateException("unlabelled REPL value " + ctx.getText());
        };
        replValues.set(index, value);
        return new Expr.Name(new Ident(name, span));
    }

    /** {@code randn[G=4, K=8](seed: 1)}: each dimension a name and an integer size; at most a seed as argument. */
    private ReplValue random(String name, ReplRandomContext r, SourceSpan span) {
        String kind = r.REPL_TENSOR().getText();
        List<Ident> dims = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (IndexItemContext item : r.indexItem()) {
            Long size = item instanceof GatherItemContext g ? integer(g.expr()) : null;
            if (size != null && size >= 0) {
                dims.add(ident(((GatherItemContext) item).IDENT()));
                sizes.add(size);
            } else {
                diags.error(Code.E001, span(item), "`" + item.getText() + "` is not a dimension and its size",
                        "write " + kind + "[G=4, K=8]");
            }
        }
        long seed = 0;
        List<ArgContext> args = r.argList() == null ? List.of() : r.argList().arg();
        for (ArgContext a : args) {
            Long value = integer(a.expr());
            if (a.IDENT() == null || !a.IDENT().getText().equals("seed") || args.size() > 1 || value == null) {
                diags.error(Code.E001, span(a), "`" + kind + "[…]` takes one argument, an integer seed", "write " + kind + "[G=4](seed: 1)");
            } else {
                seed = value;
            }
        }
        return new ReplValue.Random(name, kind, dims, sizes, seed, span);
    }

    /** {@code load("x.npy", dims: [B, T])}: a file name, then the names of its axes. */
    private ReplValue load(String name, ReplLoadContext l, SourceSpan span) {
        List<ArgContext> args = l.argList() == null ? List.of() : l.argList().arg();
        Expr file = args.isEmpty() || args.getFirst().IDENT() != null ? null : visit(args.getFirst().expr());
        Expr dims = args.size() != 2 || args.get(1).IDENT() == null || !args.get(1).IDENT().getText().equals("dims") ? null
                : visit(args.get(1).expr());
        if (file instanceof Expr.StringLit path && dims instanceof Expr.ListLit list
                && list.items().stream().allMatch(d -> d instanceof Expr.Name)) {
            return new ReplValue.Load(name, path.value(), list.items().stream().map(d -> ((Expr.Name) d).id()).toList(), span);
        }
        diags.error(Code.E001, span, "`load` takes a NumPy file and the names of its axes", "write load(\"x.npy\", dims: [B, T])");
        return new ReplValue.Load(name, "", List.of(), span);
    }

    /** The value of an integer literal, negated or not, as a long (0 after E005); null for another expression. */
    private Long integer(ExprContext e) {
        boolean negative = e instanceof NegExprContext n && n.expr() instanceof IntExprContext;
        if (!(e instanceof IntExprContext || negative)) {
            return null;
        }
        java.math.BigInteger value = new java.math.BigInteger(e.getText().replace("_", ""));
        if (value.bitLength() > 63) {
            diags.error(Code.E005, span(e), "integer " + e.getText() + " is out of range for a 64-bit integer");
            return 0L;
        }
        return value.longValue();
    }

    // ---- expressions ----------------------------------------------------------------------------

    @Override
    public Expr visitIndexExpr(IndexExprContext ctx) {
        List<Expr.IndexItem> items = ctx.indexItem().stream().map(this::indexItem).toList();
        return new Expr.Index(visit(ctx.expr()), items, span(ctx));
    }

    private Expr.IndexItem indexItem(IndexItemContext ctx) {
        return switch (ctx) {
            case GatherItemContext g -> new Expr.Gather(ident(g.IDENT()), visit(g.expr()), span(g));
            case RenameItemContext r -> new Expr.Rename(ident(r.IDENT(0)), ident(r.IDENT(1)), span(r));
            default -> throw new IllegalStateException("unlabelled index item " + ctx.getText());
        };
    }

    @Override
    public Expr visitPowExpr(PowExprContext ctx) {
        return binary(ctx.expr(0), ctx.POW().getSymbol(), ctx.expr(1), ctx);
    }

    @Override
    public Expr visitNegExpr(NegExprContext ctx) {
        return new Expr.Neg(visit(ctx.expr()), span(ctx));
    }

    @Override
    public Expr visitMulExpr(MulExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1), ctx);
    }

    @Override
    public Expr visitAddExpr(AddExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1), ctx);
    }

    @Override
    public Expr visitCompareExpr(CompareExprContext ctx) {
        return binary(ctx.expr(0), ctx.op, ctx.expr(1), ctx);
    }

    @Override
    public Expr visitNotExpr(NotExprContext ctx) {
        return new Expr.Not(visit(ctx.expr()), span(ctx));
    }

    @Override
    public Expr visitAndExpr(AndExprContext ctx) {
        return binary(ctx.expr(0), ctx.AND().getSymbol(), ctx.expr(1), ctx);
    }

    @Override
    public Expr visitOrExpr(OrExprContext ctx) {
        return binary(ctx.expr(0), ctx.OR().getSymbol(), ctx.expr(1), ctx);
    }

    @Override
    public Expr visitCallExpr(CallExprContext ctx) {
        List<Expr.Arg> args = ctx.argList() == null ? List.of() : ctx.argList().arg().stream()
                .map(a -> new Expr.Arg(a.IDENT() == null ? null : ident(a.IDENT()), visit(a.expr()), span(a)))
                .toList();
        return new Expr.Call(ident(ctx.callee().getStart()), args, span(ctx));
    }

    @Override
    public Expr visitParenExpr(ParenExprContext ctx) {
        return visit(ctx.expr());
    }

    @Override
    public Expr visitListExpr(ListExprContext ctx) {
        return new Expr.ListLit(ctx.expr().stream().map(this::visit).toList(), span(ctx));
    }

    @Override
    public Expr visitNameExpr(NameExprContext ctx) {
        return new Expr.Name(ident(ctx.IDENT()));
    }

    @Override
    public Expr visitFloatExpr(FloatExprContext ctx) {
        SourceSpan span = span(ctx);
        double value = Double.parseDouble(ctx.getText().replace("_", ""));
        if (Double.isInfinite(value)) {
            diags.error(Code.E005, span, "float literal " + ctx.getText() + " is too large for f64");
        }
        return new Expr.FloatLit(value, span);
    }

    @Override
    public Expr visitIntExpr(IntExprContext ctx) {
        SourceSpan span = span(ctx);
        String digits = ctx.getText().replace("_", "");
        long value = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (value > Integer.MAX_VALUE) {
            diags.error(Code.E005, span, "integer literal " + ctx.getText() + " is out of range for i32",
                    "the largest i32 is 2147483647; write a float such as 3e9 for larger values");
            value = 0;
        }
        return new Expr.IntLit(value, span);
    }

    @Override
    public Expr visitStringExpr(StringExprContext ctx) {
        return new Expr.StringLit(unescape(ctx.STRING().getSymbol()), span(ctx));
    }

    @Override
    public Expr visitBoolExpr(BoolExprContext ctx) {
        return new Expr.BoolLit(ctx.TRUE() != null, span(ctx));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Expr binary(ExprContext left, Token op, ExprContext right, ParserRuleContext whole) {
        SourceSpan opSpan = SourceSpan.ofCodePoints(file, op.getStartIndex(), op.getStopIndex() + 1);
        return new Expr.Binary(BinaryOp.ofSymbol(op.getText()), visit(left), visit(right), opSpan, span(whole));
    }

    private String unescape(Token token) {
        String text = token.getText();
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case '"', '\\' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                default -> {
                    int at = file.offset(token.getStartIndex()) + i - 1;
                    diags.error(Code.E005, new SourceSpan(file, at, at + 2), "invalid escape `\\" + e + "` in string",
                            "the escapes are \\\" \\\\ \\n and \\t");
                }
            }
        }
        return out.toString();
    }

    private Ident ident(TerminalNode node) {
        return ident(node.getSymbol());
    }

    private Ident ident(Token token) {
        return new Ident(token.getText(), span(token));
    }

    private SourceSpan span(Token token) {
        return SourceSpan.ofCodePoints(file, token.getStartIndex(), token.getStopIndex() + 1);
    }

    private SourceSpan span(TerminalNode node) {
        return span(node.getSymbol());
    }

    private SourceSpan span(ParserRuleContext ctx) {
        return SourceSpan.ofCodePoints(file, ctx.getStart().getStartIndex(), ctx.getStop().getStopIndex() + 1);
    }
}
