// State shared by one lowering: the parameter and state registries (ids unique and readable), source
// references, and size resolution. A LowerError is a lowering bug or an unsupported construct the
// checker let through: it becomes one IV9001 diagnostic at its span, never an exception to the caller.
import { isAbsolute, relative, resolve } from "node:path";
import type { Span } from "../../grammar/ast";
import { packageRoot } from "../package-root";
import type { CheckResult } from "../check";
import type { InitIR, ParamIR, SourceRef } from "../ir/types";
import type { NameCheck } from "../names/check-names";
import type { TypeCheck } from "../types/check-types";
import { isNum, showDim, type Dim } from "../types/dims";
import { listAsTensor, type Type } from "../types/types";
import { Subst } from "../types/dims";

/** The repository root: `at.file` is relative to it, so the IR does not depend on the machine. */
export const REPO_ROOT = packageRoot();

/**
 * A spec the lowering cannot turn into an IR. Without a code it is our limitation or bug (IV9001);
 * with one (IV5004: an argument value only the lowering can judge, e.g. a flow's rank against D) it
 * is the user's to fix, and `intel check` reports it like any other diagnostic.
 */
export class LowerError extends Error {
  constructor(
    message: string,
    readonly span?: Span,
    readonly code?: "IV5004",
  ) {
    super(message);
  }
}

export class Lowering {
  readonly params: ParamIR[] = [];
  readonly state: ParamIR[] = [];
  private readonly ids = new Set<string>();
  private readonly scopes = new Set<string>();
  /** span.file (the display name) → the file name written into the IR */
  private readonly files = new Map<string, string>();
  /** span.file → the module's absolute path */
  private readonly absPaths = new Map<string, string>();

  constructor(
    readonly check: CheckResult,
    readonly names: NameCheck,
    readonly types: TypeCheck,
  ) {
    for (const m of check.modules) {
      this.files.set(m.file, irFileName(m.absPath, m.file));
      this.absPaths.set(m.file, m.absPath);
    }
  }

  /** The absolute path of the file a span lies in. */
  absPath(span: Span): string {
    return this.absPaths.get(span.file) ?? resolve(span.file);
  }

  /** The file name the IR uses for a module's display name. */
  file(display: string): string {
    return this.files.get(display) ?? display;
  }

  at(span: Span): SourceRef {
    return { file: this.file(span.file), line: span.line, col: span.col };
  }

  /** A fresh path for a scope of parameters: `base`, else `base_1`, `base_2`, … (a bias called twice). */
  scope(base: string): string {
    let p = base;
    for (let i = 1; this.scopes.has(p); i++) p = `${base}_${i}`;
    this.scopes.add(p);
    return p;
  }

  param(id: string, shape: number[], init: InitIR, span: Span): string {
    this.claim(id, span);
    this.params.push({ id, shape, init, at: this.at(span) });
    return id;
  }

  stateVar(id: string, shape: number[], init: InitIR, span: Span): string {
    this.claim(id, span);
    this.state.push({ id, shape, init, at: this.at(span) });
    return id;
  }

  private claim(id: string, span: Span): void {
    if (this.ids.has(id)) throw new LowerError(`two parameters would be named '${id}'`, span);
    this.ids.add(id);
  }

  /** A size as a number, through the type checker's substitution. */
  num(d: Dim, span: Span, resolve: (d: Dim) => Dim = this.types.resolve): number {
    const r = resolve(d);
    if (!isNum(r)) throw new LowerError(`a size is not known at compile time (${showDim(r)})`, span);
    return r;
  }

  dims(ds: readonly Dim[], span: Span, resolve?: (d: Dim) => Dim): number[] {
    return ds.map((d) => this.num(d, span, resolve));
  }

  /** A type's concrete shape (a list literal of numbers counts as the tensor it stands for). */
  shape(t: Type | undefined, span: Span): number[] {
    if (t?.kind === "list") t = listAsTensor(new Subst(), t) ?? t;
    if (!t || t.kind !== "tensor") throw new LowerError(`no tensor type was inferred for this expression`, span);
    return this.dims(t.dims, span);
  }
}

function irFileName(absPath: string, display: string): string {
  const r = relative(REPO_ROOT, absPath);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r.split("\\").join("/") : display;
}

export const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
