// The typed AST of a `.intel` file: what every later stage reads.
// Every node carries a span. Comments are not on nodes: they live in `Program.comments`, by offset,
// so that the formatter can put them back and the other stages never see them.

/** A source range. line/col are 1-based; offset/end are 0-based character offsets, end exclusive. */
export interface Span {
  file: string;
  line: number;
  col: number;
  offset: number;
  end: number;
  endLine: number;
  endCol: number;
}

export interface Ident {
  kind: "Ident";
  name: string;
  span: Span;
}

export interface Comment {
  text: string; // without the leading '#'
  span: Span;
  /** true when nothing but whitespace precedes it on its line */
  ownLine: boolean;
}

export interface Program {
  kind: "Program";
  file: string;
  span: Span;
  /** the `intel 0.1` header, if present */
  version?: { text: string; span: Span };
  items: TopLevel[];
  comments: Comment[];
}

export type TopLevel = Import | BiasDecl | NetworkDecl | ModelDecl;

export interface Import {
  kind: "Import";
  path: string;
  span: Span;
}

/** `@allow(discontinuous, infinite_slope)` */
export interface Annotation {
  kind: "Annotation";
  name: Ident;
  args: Ident[];
  span: Span;
}

// ---------- types ----------

/** `OneHot` only types a discrete latent (and bias parameters that take one): compiler/types/discrete.ts */
export type ElemType = "Real" | "Int" | "Bool" | "String" | "OneHot";

export type TypeExpr = ScalarType | TensorType | ListType;

/** `Real`, `Int`, `Bool`, `String` */
export interface ScalarType {
  kind: "ScalarType";
  name: ElemType;
  span: Span;
}

/** `Real[D, 2]` */
export interface TensorType {
  kind: "TensorType";
  elem: ElemType;
  dims: DimExpr[];
  span: Span;
}

/** `Int[]` */
export interface ListType {
  kind: "ListType";
  elem: ElemType;
  span: Span;
}

export type DimExpr = DimNum | DimVar | DimInfer | DimBinary;
export interface DimNum {
  kind: "DimNum";
  value: number;
  span: Span;
}
export interface DimVar {
  kind: "DimVar";
  name: string;
  span: Span;
}
/** `?`: inferred */
export interface DimInfer {
  kind: "DimInfer";
  span: Span;
}
export interface DimBinary {
  kind: "DimBinary";
  op: "+" | "-" | "*" | "/";
  left: DimExpr;
  right: DimExpr;
  span: Span;
}

// ---------- declarations ----------

export interface Param {
  kind: "Param";
  name: Ident;
  type: TypeExpr;
  default?: Expr;
  span: Span;
}

export interface BiasDecl {
  kind: "BiasDecl";
  annotations: Annotation[];
  name: Ident;
  generics: Ident[];
  params: Param[];
  returnType: TypeExpr;
  body: BiasStmt[];
  span: Span;
}

export type BiasStmt = ParamStmt | LetStmt | PenaltyStmt | ReturnStmt;

/** `param ds = mlp(D, [10, 10], D)` — learnable ψ */
export interface ParamStmt {
  kind: "ParamStmt";
  annotations: Annotation[];
  name: Ident;
  type?: TypeExpr;
  init: Expr;
  span: Span;
}

export interface LetStmt {
  kind: "LetStmt";
  annotations: Annotation[];
  name: Ident;
  type?: TypeExpr;
  value: Expr;
  span: Span;
}

/** `penalty gamma * entropy_spread(s)` or `penalty sparsity = …` */
export interface PenaltyStmt {
  kind: "PenaltyStmt";
  annotations: Annotation[];
  name?: Ident;
  value: Expr;
  span: Span;
}

export interface ReturnStmt {
  kind: "ReturnStmt";
  annotations: Annotation[];
  value: Expr;
  span: Span;
}

export interface NetworkDecl {
  kind: "NetworkDecl";
  annotations: Annotation[];
  name: Ident;
  generics: Ident[];
  params: Param[];
  returnType: TypeExpr;
  body: LayerStmt[];
  span: Span;
}

export type LayerStmt = LayerCall | ForLayer;

/** `dense(512)`, `relu` (bare: no parentheses written), `mlp_block(width: 10)` */
export interface LayerCall {
  kind: "LayerCall";
  annotations: Annotation[];
  call: Call;
  /** written without parentheses */
  bare: boolean;
  span: Span;
}

/** `for f in filters { … }` */
export interface ForLayer {
  kind: "ForLayer";
  annotations: Annotation[];
  variable: Ident;
  iterable: Expr;
  body: LayerStmt[];
  span: Span;
}

export interface ModelDecl {
  kind: "ModelDecl";
  annotations: Annotation[];
  name: Ident;
  items: ModelItem[];
  span: Span;
}

export type ModelItem =
  | DataItem
  | EncoderItem
  | IntermediaryItem
  | MappingItem
  | DecoderItem
  | ObjectiveItem
  | TrainItem
  | EvaluateItem;

/** `data x : Real[28, 28, 1] ~ mnist(split: "train")` */
export interface DataItem {
  kind: "DataItem";
  annotations: Annotation[];
  name: Ident;
  type?: TypeExpr;
  source: Expr;
  span: Span;
}

/** `encoder q(y | x) = mlp_encoder(hidden: [512, 256])` */
export interface EncoderItem {
  kind: "EncoderItem";
  annotations: Annotation[];
  name: Ident;
  latent: Ident;
  given: Ident;
  network: Expr;
  span: Span;
}

/** `intermediary y : Real[50] ~ Normal(0, I)` */
export interface IntermediaryItem {
  kind: "IntermediaryItem";
  annotations: Annotation[];
  name: Ident;
  type: TypeExpr;
  prior: Expr;
  span: Span;
}

/** `mapping z = sparse(y, gamma: 30)` */
export interface MappingItem {
  kind: "MappingItem";
  annotations: Annotation[];
  name: Ident;
  value: Expr;
  span: Span;
}

/** `decoder p(x | z) : Bernoulli = mlp_decoder(hidden: [256, 512])` */
export interface DecoderItem {
  kind: "DecoderItem";
  annotations: Annotation[];
  name: Ident;
  output: Ident;
  given: Ident;
  likelihood: Expr;
  network: Expr;
  span: Span;
}

/** `objective elbo(beta: 1)` */
export interface ObjectiveItem {
  kind: "ObjectiveItem";
  annotations: Annotation[];
  value: Expr;
  span: Span;
}

/** `train { optimizer: adam(lr: 1e-3), batch: 100 }` */
export interface TrainItem {
  kind: "TrainItem";
  annotations: Annotation[];
  entries: Entry[];
  span: Span;
}

export interface Entry {
  kind: "Entry";
  key: Ident;
  value: Expr;
  span: Span;
}

/** `evaluate { hoyer(z), iwae_nll(k: 500) }` */
export interface EvaluateItem {
  kind: "EvaluateItem";
  annotations: Annotation[];
  metrics: Expr[];
  span: Span;
}

// ---------- expressions ----------

export type Expr =
  | NumberLit
  | StringLit
  | BoolLit
  | Name
  | Binary
  | Unary
  | Call
  | Index
  | ListLit
  | Paren
  | Missing;

export interface NumberLit {
  kind: "NumberLit";
  value: number;
  /** as written, e.g. "1e-3": the formatter keeps it */
  raw: string;
  /** written without '.' or exponent */
  isInt: boolean;
  span: Span;
}

export interface StringLit {
  kind: "StringLit";
  value: string;
  span: Span;
}

export interface BoolLit {
  kind: "BoolLit";
  value: boolean;
  span: Span;
}

/** a reference to a name: a variable, parameter, constant (`I`) or bare function name (`relu`) */
export interface Name {
  kind: "Name";
  name: string;
  span: Span;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "**" | "==" | "!=" | "<" | "<=" | ">" | ">=";

export interface Binary {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface Unary {
  kind: "Unary";
  op: "-";
  operand: Expr;
  span: Span;
}

export interface Call {
  kind: "Call";
  callee: Ident;
  args: Arg[];
  span: Span;
}

export interface Arg {
  kind: "Arg";
  /** present for a named argument `gamma: 30` */
  name?: Ident;
  value: Expr;
  span: Span;
}

/** `y[0]`, `y[:, 1:3]` */
export interface Index {
  kind: "Index";
  target: Expr;
  indices: (Expr | Slice)[];
  span: Span;
}

export interface Slice {
  kind: "Slice";
  start?: Expr;
  end?: Expr;
  span: Span;
}

/** `[10, 10]` */
export interface ListLit {
  kind: "ListLit";
  elements: Expr[];
  span: Span;
}

/** `( e )`: kept so that the formatter can keep the user's parentheses */
export interface Paren {
  kind: "Paren";
  inner: Expr;
  span: Span;
}

/** Stands where the parser recovered from a syntax error; later stages skip it silently. */
export interface Missing {
  kind: "Missing";
  span: Span;
}

export type Decl = BiasDecl | NetworkDecl | ModelDecl;

export type AnyNode =
  | Program
  | TopLevel
  | Annotation
  | TypeExpr
  | DimExpr
  | Param
  | BiasStmt
  | LayerStmt
  | ModelItem
  | Entry
  | Expr
  | Arg
  | Slice
  | Ident;

/** A model's item of one kind (its `data`, `mapping`, `train` …), if it has one. */
export function modelItem<K extends ModelItem["kind"]>(m: ModelDecl, kind: K): Extract<ModelItem, { kind: K }> | undefined {
  return m.items.find((i): i is Extract<ModelItem, { kind: K }> => i.kind === kind);
}
