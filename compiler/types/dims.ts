// Dimensions: sizes of tensor axes and compile-time Int values, as numbers, variables or expressions.
//
//   Dim = number                       a known size (arithmetic is exact; `28 / 8` is 3.5, which
//                                      `wholeDim` then rejects where a size is needed)
//       | DimVar                       a generic (`<D>`), an Int parameter, or `?` (inferred)
//       | DimOp                        `D * 2`, `H / 4`, and ⌈a / b⌉ (conv output sizes)
//
// A variable is RIGID while a generic declaration is checked on its own (D stands for every size, so
// D ≠ 2), and FLEXIBLE when it is instantiated at a use (D := 50) or written `?`. `Subst` holds the
// bindings of flexible variables, with a trail so that a tentative unification can be undone.
// Equality is decided on a polynomial normal form (so `2 * D`, `D * 2` and `D + D` are one size);
// ⌈a / b⌉ with unknowns is an opaque atom. Equations with exactly one flexible variable of degree one
// are solved (`D * 2 = 100` ⇒ D = 50); what cannot be decided yet is deferred, never guessed.

export type Dim = number | DimVar | DimOp;

export interface DimVar {
  readonly kind: "var";
  readonly id: number;
  /** the name shown in messages: the generic's or parameter's name, or "?" */
  readonly name: string;
  readonly rigid: boolean;
}

export type DimOpKind = "+" | "-" | "*" | "/" | "ceildiv";

export interface DimOp {
  readonly kind: "op";
  readonly op: DimOpKind;
  readonly a: Dim;
  readonly b: Dim;
}

const EPS = 1e-9;

export const isNum = (d: Dim): d is number => typeof d === "number";

/** Builds `a op b`, folding numbers and the identities x+0, x*1, x/1, x*0. */
export function dimOp(op: DimOpKind, a: Dim, b: Dim): Dim {
  if (isNum(a) && isNum(b)) {
    switch (op) {
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        return a / b;
      case "ceildiv":
        return Math.ceil(a / b - EPS);
    }
  }
  if (op === "+" && a === 0) return b;
  if ((op === "+" || op === "-") && b === 0) return a;
  if (op === "*" && (a === 1 || b === 1)) return a === 1 ? b : a;
  if (op === "*" && (a === 0 || b === 0)) return 0;
  if ((op === "/" || op === "ceildiv") && b === 1) return a;
  return { kind: "op", op, a, b };
}

export const add = (a: Dim, b: Dim): Dim => dimOp("+", a, b);
export const sub = (a: Dim, b: Dim): Dim => dimOp("-", a, b);
export const mul = (a: Dim, b: Dim): Dim => dimOp("*", a, b);
export const div = (a: Dim, b: Dim): Dim => dimOp("/", a, b);
export const ceilDiv = (a: Dim, b: Dim): Dim => dimOp("ceildiv", a, b);
export const product = (ds: readonly Dim[]): Dim => ds.reduce<Dim>((p, d) => mul(p, d), 1);

/** A size must be a whole number ≥ `min` (0 for slices, 1 for declared sizes); unknowns pass. */
export function wholeDim(d: Dim, min = 1): boolean {
  return !isNum(d) || (Math.abs(d - Math.round(d)) < EPS && Math.round(d) >= min);
}

// ---------- printing ----------

const PREC: Record<DimOpKind, number> = { "+": 1, "-": 1, "*": 2, "/": 2, ceildiv: 3 };

export function showDim(d: Dim, prec = 0): string {
  if (isNum(d)) return Number.isInteger(d) ? String(d) : String(Math.round(d * 1e6) / 1e6);
  if (d.kind === "var") return d.name;
  if (d.op === "ceildiv") return `⌈${showDim(d.a)} / ${showDim(d.b)}⌉`;
  const p = PREC[d.op];
  // Right operands of - and / keep their parentheses: a - (b + c).
  const s = `${showDim(d.a, p)} ${d.op} ${showDim(d.b, d.op === "-" || d.op === "/" ? p + 1 : p)}`;
  return p < prec ? `(${s})` : s;
}

// ---------- substitution ----------

export class Subst {
  private readonly bound = new Map<number, Dim>();
  private readonly trail: number[] = [];
  private next = 1;

  fresh(name = "?", rigid = false): DimVar {
    return { kind: "var", id: this.next++, name, rigid };
  }

  bind(v: DimVar, d: Dim): void {
    this.bound.set(v.id, d);
    this.trail.push(v.id);
  }

  isBound(v: DimVar): boolean {
    return this.bound.has(v.id);
  }

  /** A point to return to with `undo`. */
  mark(): number {
    return this.trail.length;
  }

  undo(mark: number): void {
    while (this.trail.length > mark) this.bound.delete(this.trail.pop()!);
  }

  /** Replaces bound variables and folds constants. */
  resolve(d: Dim): Dim {
    if (isNum(d)) return d;
    if (d.kind === "var") {
      const b = this.bound.get(d.id);
      return b === undefined ? d : this.resolve(b);
    }
    return dimOp(d.op, this.resolve(d.a), this.resolve(d.b));
  }
}

/** Does `d` (resolved) mention an unbound flexible variable? */
export function hasFlexible(d: Dim): boolean {
  if (isNum(d)) return false;
  if (d.kind === "var") return !d.rigid;
  return hasFlexible(d.a) || hasFlexible(d.b);
}

function occurs(v: DimVar, d: Dim): boolean {
  if (isNum(d)) return false;
  if (d.kind === "var") return d.id === v.id;
  return occurs(v, d.a) || occurs(v, d.b);
}

// ---------- polynomial normal form ----------

/** monomial key ("" for the constant) → coefficient and its atoms */
type Poly = Map<string, { c: number; atoms: Dim[] }>;

const atomKey = (d: Dim): string => (!isNum(d) && d.kind === "var" ? `v${d.id}` : `o(${showDim(d)}#${opaqueIds(d)})`);
function opaqueIds(d: Dim): string {
  if (isNum(d)) return "";
  if (d.kind === "var") return `${d.id},`;
  return opaqueIds(d.a) + opaqueIds(d.b);
}

function addTerm(p: Poly, atoms: Dim[], c: number): void {
  if (Math.abs(c) < EPS) return;
  const sorted = [...atoms].sort((x, y) => (atomKey(x) < atomKey(y) ? -1 : 1));
  const key = sorted.map(atomKey).join("*");
  const prev = p.get(key);
  const sum = (prev?.c ?? 0) + c;
  if (Math.abs(sum) < EPS) p.delete(key);
  else p.set(key, { c: sum, atoms: sorted });
}

function poly(d: Dim): Poly {
  const p: Poly = new Map();
  if (isNum(d)) {
    addTerm(p, [], d);
    return p;
  }
  if (d.kind === "var") {
    addTerm(p, [d], 1);
    return p;
  }
  const a = poly(d.a);
  const b = poly(d.b);
  switch (d.op) {
    case "+":
    case "-": {
      for (const t of a.values()) addTerm(p, t.atoms, t.c);
      for (const t of b.values()) addTerm(p, t.atoms, d.op === "+" ? t.c : -t.c);
      return p;
    }
    case "*":
      for (const x of a.values()) for (const y of b.values()) addTerm(p, [...x.atoms, ...y.atoms], x.c * y.c);
      return p;
    case "/": {
      const k = constantOf(b);
      if (k !== undefined && k !== 0) {
        for (const t of a.values()) addTerm(p, t.atoms, t.c / k);
        return p;
      }
      break;
    }
    case "ceildiv":
      break;
  }
  addTerm(p, [d], 1);
  return p;
}

function constantOf(p: Poly): number | undefined {
  if (p.size === 0) return 0;
  if (p.size === 1 && p.has("")) return p.get("")!.c;
  return undefined;
}

function difference(a: Dim, b: Dim): Poly {
  const p = poly(a);
  for (const t of poly(b).values()) addTerm(p, t.atoms, -t.c);
  return p;
}

/** Are two resolved sizes provably equal? */
export function dimsEqual(a: Dim, b: Dim): boolean {
  return difference(a, b).size === 0;
}

/** c · x, with a fraction written as a division: H / 8 rather than 0.125 * H. */
function scaled(c: number, x: Dim): Dim {
  if (Number.isInteger(c)) return mul(c, x);
  for (let q = 2; q <= 1024; q++) {
    const p = c * q;
    if (Math.abs(p - Math.round(p)) < EPS) return div(mul(Math.round(p), x), q);
  }
  return mul(c, x);
}

/** Back to an expression: `D - 1` rather than `D + -1 * 1`; the constant last. */
function fromPoly(p: Poly, scale = 1): Dim {
  let out: Dim = 0;
  const terms = [...p.values()].sort((x, y) => (x.atoms.length === 0 ? 1 : 0) - (y.atoms.length === 0 ? 1 : 0));
  for (const t of terms) {
    const c = t.c * scale;
    const term = t.atoms.length === 0 ? Math.abs(c) : scaled(Math.abs(c), product(t.atoms));
    out = c < 0 ? (out === 0 ? mul(-1, term) : sub(out, term)) : add(out, term);
  }
  return out;
}

// ---------- unification ----------

/** "ok"; "clash": provably different; "unknown": cannot be decided yet (defer it). */
export type DimUnify = "ok" | "clash" | "unknown";

/** Makes `a` and `b` equal by binding flexible variables; sizes must come out whole and ≥ 0. */
export function unifyDim(s: Subst, a0: Dim, b0: Dim): DimUnify {
  const a = s.resolve(a0);
  const b = s.resolve(b0);
  const diff = difference(a, b);
  if (diff.size === 0) return "ok";
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (!isNum(x) && x.kind === "var" && !x.rigid && !occurs(x, y)) {
      if (isNum(y) && !wholeDim(y, 0)) return "clash";
      s.bind(x, y);
      return "ok";
    }
  }
  // Solve for the one flexible variable of degree one, if that is what the equation has.
  let solveFor: { v: DimVar; c: number; key: string } | undefined;
  let undecided = false;
  for (const [key, t] of diff) {
    const flex = t.atoms.filter(hasFlexible);
    if (flex.length === 0) {
      if (t.atoms.some((x) => !isNum(x) && x.kind === "op")) undecided = true; // ⌈H / 2⌉ vs H / 2
      continue;
    }
    const only = t.atoms[0];
    if (t.atoms.length === 1 && only && !isNum(only) && only.kind === "var" && !solveFor) solveFor = { v: only, c: t.c, key };
    else undecided = true;
  }
  if (!solveFor) return undecided ? "unknown" : "clash";
  if (undecided) return "unknown";
  const rest: Poly = new Map([...diff].filter(([k]) => k !== solveFor!.key));
  const k = constantOf(rest);
  if (k !== undefined) {
    const v = -k / solveFor.c;
    if (!wholeDim(v, 0)) return "clash";
    s.bind(solveFor.v, Math.round(v));
    return "ok";
  }
  if (Math.abs(Math.abs(solveFor.c) - 1) > EPS) return "unknown";
  s.bind(solveFor.v, fromPoly(rest, -1 / solveFor.c));
  return "ok";
}

/** The canonical form of a resolved size, for messages: `D + 1 - 2` shows as `D - 1`. */
export function normalizeDim(d: Dim): Dim {
  return isNum(d) || d.kind === "var" ? d : fromPoly(poly(d));
}
