// $antlr-format alignColons hanging, alignSemicolons hanging, singleLineOverrulesHangingColon true
//
// The rlo grammar. spec/syntax.md describes every rule here, and grammar/src/test/examples/ok holds a
// parse-tree golden for each. The grammar knows nothing of types, shapes or scopes: the AST builder
// and the checker in compiler/ do that. The one predicate, continuesLine(), lives in RloParserBase.

parser grammar RloParser;

options {
    tokenVocab = RloLexer;
    superClass = RloParserBase;
}

// ---- modules ----------------------------------------------------------------------------------

program
    : importDecl* decl* EOF
    ;

importDecl
    : IMPORT modulePath DOT LBRACE importItem (COMMA importItem)* COMMA? RBRACE
    ;

modulePath
    : IDENT (DOT IDENT)*
    ;

importItem
    : IDENT (AS IDENT)?
    ;

decl
    : fnDecl
    | objectiveDecl
    | trainDecl
    | sweepDecl
    ;

doc
    : DOC_COMMENT+
    ;

// ---- functions and objectives -----------------------------------------------------------------

fnDecl
    : doc? FN IDENT LPAREN paramList? RPAREN (ARROW type)? body
    ;

objectiveDecl
    : doc? OBJECTIVE IDENT LPAREN paramList? RPAREN body
    ;

paramList
    : param (COMMA param)* COMMA?
    ;

param
    : IDENT COLON type GRAD?          # InputParam
    | IDENT (COLON type)? ASSIGN expr # HyperParam
    ;

type
    : DTYPE (LBRACK (typeDim (COMMA typeDim)* COMMA?)? RBRACK)?
    ;

// a dimension, with its size where a parameter fixes it: S = 2, or T1 = T + 1 (spec/types-and-shapes.md#sized-dimensions)
typeDim
    : IDENT (ASSIGN dimSize)?
    ;

dimSize
    : INT                              # FixedSize
    | IDENT op = (PLUS | MINUS) INT    # OffsetSize
    ;

body
    : LBRACE stmt* expr RBRACE
    ;

stmt
    : LET IDENT (COLON type)? ASSIGN expr # LetStmt
    | REPORT IDENT ASSIGN expr           # ReportStmt
    ;

// ---- experiments ------------------------------------------------------------------------------

trainDecl
    : doc? TRAIN IDENT LBRACE setting* RBRACE
    ;

setting
    : settingKey ASSIGN expr
    ;

settingKey
    : IDENT
    | OBJECTIVE
    ;

// A sweep's keys are `--set` paths (`eps`, `optimizer.lr`) or its own settings (`train`, `seeds`).
sweepDecl
    : doc? SWEEP IDENT LBRACE sweepSetting* RBRACE
    ;

sweepSetting
    : sweepKey ASSIGN expr
    ;

sweepKey
    : (IDENT | OBJECTIVE | TRAIN) (DOT IDENT)?
    ;

// ---- expressions ------------------------------------------------------------------------------
// Alternatives are listed from the tightest binding to the loosest. Outside ( ) and [ ], an expression
// never continues onto a line that begins with an operator, `(` or `[` (spec/syntax.md#line-breaks):
// that line begins a new expression. continuesLine() implements the rule.

expr
    : expr {this.continuesLine()}? LBRACK indexItem (COMMA indexItem)* COMMA? RBRACK # IndexExpr
    | <assoc = right> expr {this.continuesLine()}? POW expr                         # PowExpr
    | MINUS expr                                                                    # NegExpr
    | expr {this.continuesLine()}? op = (STAR | SLASH) expr                         # MulExpr
    | expr {this.continuesLine()}? op = (PLUS | MINUS) expr                         # AddExpr
    | expr {this.continuesLine()}? op = (LT | LE | GT | GE | EQ | NE) expr          # CompareExpr
    | NOT expr                                                                      # NotExpr
    | expr {this.continuesLine()}? AND expr                                         # AndExpr
    | expr {this.continuesLine()}? OR expr                                          # OrExpr
    | replValue                                                                     # ReplValueExpr
    | {this.callFollows()}? callee LPAREN argList? RPAREN                           # CallExpr
    | LPAREN expr RPAREN                                                            # ParenExpr
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK                                    # ListExpr
    | IDENT                                                                         # NameExpr
    | FLOAT                                                                         # FloatExpr
    | INT                                                                           # IntExpr
    | STRING                                                                        # StringExpr
    | (TRUE | FALSE)                                                                # BoolExpr
    ;

callee
    : IDENT
    | DTYPE
    ;

argList
    : arg (COMMA arg)* COMMA?
    ;

arg
    : (IDENT COLON)? expr
    ;

indexItem
    : IDENT ASSIGN expr # GatherItem
    | IDENT ARROW IDENT # RenameItem
    ;

// ---- the REPL ---------------------------------------------------------------------------------
// `rlo repl` parses each input that is not a `:command` as a replInput, and a command that takes an
// expression as a replCommand, in REPL mode: there, and only there, an expression may be a replValue,
// a tensor made from nothing (spec/syntax.md#repl-input), whose first token only REPL mode types.

replInput
    : importDecl EOF            # ReplImport
    | fnDecl EOF                # ReplFn
    | objectiveDecl EOF         # ReplObjective
    | LET IDENT ASSIGN expr EOF # ReplLet
    | expr EOF                  # ReplEval
    | EOF                       # ReplEmpty
    ;

// `:type EXPR`, `:grad EXPR wrt NAME`, `:kernels EXPR cuda`: the words after the expression are the
// command's to check. (The REPL reads the arguments of the commands that take a file or a backend.)
replCommand
    : COLON command = (IDENT | GRAD) expr IDENT* EOF
    ;

// `:help`, `:help sum`, `:help f32`, `:help std.kl.k3`: what :help explains is a name, a dtype (its
// conversion) or an entry of a module, parsed as in an import.
replHelp
    : COLON IDENT (DTYPE | modulePath)? EOF
    ;

// A REPL value's arguments are checked when the AST is built, so that a mistake in one is reported
// there, in its words.
replValue
    : REPL_TENSOR LBRACK indexItem (COMMA indexItem)* COMMA? RBRACK (LPAREN argList? RPAREN)? # ReplRandom
    | REPL_LOAD LPAREN argList? RPAREN                                                          # ReplLoad
    | REPL_LIST (expr (COMMA expr)* COMMA?)? RBRACK COLON type                                  # ReplLiteral
    ;
