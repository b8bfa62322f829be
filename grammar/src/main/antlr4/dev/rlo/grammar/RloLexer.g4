// $antlr-format alignColons hanging, alignSemicolons hanging, singleLineOverrulesHangingColon true
//
// Tokens of the rlo language. The specification is spec/syntax.md; every token below appears there.
// Keywords are named tokens; dtype names are one token kind (DTYPE) because they play one role.

lexer grammar RloLexer;

// Never produced by the rules below: in REPL input, RloParserBase.replMode() gives the first token of
// each REPL value one of these types (randn/rand/zeros/ones before `[`, load before `(`, a `[` whose
// list is followed by `:`), so that a file can never contain one (spec/syntax.md#repl-input).
tokens {
    REPL_TENSOR,
    REPL_LOAD,
    REPL_LIST
}

// ---- keywords ------------------------------------------------------------------------------

IMPORT
    : 'import'
    ;

AS
    : 'as'
    ;

FN
    : 'fn'
    ;

OBJECTIVE
    : 'objective'
    ;

TRAIN
    : 'train'
    ;

SWEEP
    : 'sweep'
    ;

LET
    : 'let'
    ;

REPORT
    : 'report'
    ;

GRAD
    : 'grad'
    ;

AND
    : 'and'
    ;

OR
    : 'or'
    ;

NOT
    : 'not'
    ;

TRUE
    : 'true'
    ;

FALSE
    : 'false'
    ;

DTYPE
    : 'f32'
    | 'f64'
    | 'i32'
    | 'bool'
    ;

// ---- punctuation and operators ----------------------------------------------------------------

LPAREN
    : '('
    ;

RPAREN
    : ')'
    ;

LBRACK
    : '['
    ;

RBRACK
    : ']'
    ;

LBRACE
    : '{'
    ;

RBRACE
    : '}'
    ;

COMMA
    : ','
    ;

COLON
    : ':'
    ;

DOT
    : '.'
    ;

ARROW
    : '->'
    ;

POW
    : '**'
    ;

STAR
    : '*'
    ;

SLASH
    : '/'
    ;

PLUS
    : '+'
    ;

MINUS
    : '-'
    ;

EQ
    : '=='
    ;

NE
    : '!='
    ;

LE
    : '<='
    ;

GE
    : '>='
    ;

LT
    : '<'
    ;

GT
    : '>'
    ;

ASSIGN
    : '='
    ;

// ---- literals and names -----------------------------------------------------------------------

FLOAT
    : DIGITS '.' DIGITS? EXPONENT?
    | '.' DIGITS EXPONENT?
    | DIGITS EXPONENT
    ;

INT
    : DIGITS
    ;

// Escapes are validated by the AST builder, so a bad one is reported by name.
STRING
    : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'
    ;

UNTERMINATED_STRING
    : '"' (~["\\\r\n] | '\\' ~[\r\n])*
    ;

IDENT
    : [a-zA-Z_] [a-zA-Z_0-9]*
    ;

fragment DIGITS
    : [0-9] ('_'? [0-9])*
    ;

fragment EXPONENT
    : [eE] [+-]? DIGITS
    ;

// ---- comments and layout ----------------------------------------------------------------------

// `///` starts a doc comment; `//` and `////…` start plain comments (the longer match wins).
DOC_COMMENT
    : '///' (~[/\r\n] ~[\r\n]*)?
    ;

LINE_COMMENT
    : '//' ~[\r\n]* -> skip
    ;

WS
    : [ \t\r\n\f]+ -> skip
    ;

// Any other character becomes one token so that the parser reports it at its exact position.
UNEXPECTED_CHAR
    : .
    ;
