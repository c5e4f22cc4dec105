// Every spec under specs/ (the prelude, the examples, the paper reproductions) parses cleanly, and every
// call in it names a built-in of the right context or a bias / network declared in the prelude or the
// file, with arguments that fit the callee's parameters.
import { callsIn } from "../../compiler/names/args";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Arg, BiasDecl, Call, Expr, LayerStmt, ModelDecl, NetworkDecl, Program } from "../../grammar/ast";
import { lookupBuiltin, TRAIN_SETTINGS } from "../../compiler/builtins/index";
import type { BuiltinContext } from "../../compiler/builtins/types";
import { parse } from "../../grammar/parse";
import { checkFile } from "../../compiler/check";
import { diskHost } from "../../compiler/host";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SPECS = join(ROOT, "specs");
const PRELUDE = join(SPECS, "prelude.intel");

function intelFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? intelFiles(join(dir, e.name)) : e.name.endsWith(".intel") ? [join(dir, e.name)] : [],
  );
}

const FILES = intelFiles(SPECS).sort();

function parseFile(path: string): Program {
  const { program, problems } = parse(readFileSync(path, "utf8"), relative(ROOT, path));
  expect(problems.map((p) => `${p.span.line}:${p.span.col} ${p.code} ${p.message}`)).toEqual([]);
  return program;
}

interface Signature {
  params: { name: string; required: boolean }[];
  variadic: boolean;
}

/** Where a call stands decides what it may name. */
interface Place {
  what: string;
  builtins: BuiltinContext[];
  biases?: boolean;
  networks?: boolean;
  /** names of `param` networks of the enclosing bias (`ds(y)`) */
  locals?: Set<string>;
}

class SpecChecker {
  readonly problems: string[] = [];
  private readonly biases = new Map<string, BiasDecl>();
  private readonly networks = new Map<string, NetworkDecl>();

  constructor(programs: Program[]) {
    for (const p of programs)
      for (const item of p.items) {
        if (item.kind === "BiasDecl") this.biases.set(item.name.name, item);
        if (item.kind === "NetworkDecl") this.networks.set(item.name.name, item);
      }
  }

  check(program: Program): void {
    for (const item of program.items) {
      if (item.kind === "BiasDecl") this.bias(item);
      else if (item.kind === "NetworkDecl") this.network(item);
      else if (item.kind === "ModelDecl") this.model(item);
    }
  }

  private fn(locals?: Set<string>): Place {
    return { what: "function", builtins: ["function"], biases: true, locals };
  }

  private bias(d: BiasDecl): void {
    const locals = new Set<string>();
    for (const p of d.params) if (p.default) this.expr(p.default, this.fn());
    for (const s of d.body) {
      if (s.kind === "ParamStmt") {
        this.expr(s.init, { what: "initializer", builtins: ["initializer", "network"], networks: true });
        locals.add(s.name.name);
      } else this.expr(s.value, this.fn(locals));
    }
  }

  private network(d: NetworkDecl): void {
    for (const p of d.params) if (p.default) this.expr(p.default, this.fn());
    const layers = (stmts: LayerStmt[]): void => {
      for (const s of stmts) {
        if (s.kind === "ForLayer") {
          this.expr(s.iterable, this.fn());
          layers(s.body);
        } else this.call(s.call, { what: "layer", builtins: ["layer", "network"], networks: true }, true);
      }
    };
    layers(d.body);
  }

  private model(m: ModelDecl): void {
    const slot = (e: Expr, place: Place, isNetwork = false): void => {
      if (e.kind === "Name") this.call({ kind: "Call", callee: { kind: "Ident", name: e.name, span: e.span }, args: [], span: e.span }, place);
      else if (e.kind === "Call") this.call(e, place, isNetwork);
      else this.problems.push(`${m.name.name}: expected a ${place.what} call, found ${e.kind}`);
    };
    for (const item of m.items) {
      switch (item.kind) {
        case "DataItem":
          slot(item.source, { what: "data source", builtins: ["data"] });
          break;
        case "EncoderItem":
          slot(item.network, { what: "network", builtins: ["network"], networks: true }, true);
          break;
        case "IntermediaryItem":
          slot(item.prior, { what: "prior", builtins: ["prior"] });
          break;
        case "MappingItem":
          this.expr(item.value, this.fn());
          break;
        case "DecoderItem":
          slot(item.likelihood, { what: "likelihood", builtins: ["likelihood"] });
          slot(item.network, { what: "network", builtins: ["network"], networks: true }, true);
          break;
        case "ObjectiveItem":
          slot(item.value, { what: "objective", builtins: ["objective"] });
          break;
        case "TrainItem":
          for (const e of item.entries) {
            if (!TRAIN_SETTINGS.some((s) => s.name === e.key.name)) this.problems.push(`unknown training setting '${e.key.name}'`);
            if (e.key.name === "optimizer") slot(e.value, { what: "optimizer", builtins: ["optimizer"] });
            else if (e.key.name === "scheme") slot(e.value, { what: "scheme", builtins: ["scheme"] });
            else if (e.key.name === "optimizers" && e.value.kind === "Call" && e.value.callee.name === "groups") {
              // groups(part: optimizer(…), …): each argument is an optimizer call
              for (const a of e.value.args) slot(a.value, { what: "optimizer", builtins: ["optimizer"] });
            } else this.expr(e.value, this.fn());
          }
          break;
        case "EvaluateItem":
          for (const e of item.metrics) slot(e, { what: "metric", builtins: ["metric"] });
          break;
      }
    }
  }

  private expr(e: Expr, place: Place): void {
    switch (e.kind) {
      case "Call":
        return this.call(e, place);
      case "Binary":
        this.expr(e.left, place);
        return this.expr(e.right, place);
      case "Unary":
        return this.expr(e.operand, place);
      case "Paren":
        return this.expr(e.inner, place);
      case "ListLit":
        return e.elements.forEach((x) => this.expr(x, place));
      case "Index":
        this.expr(e.target, place);
        for (const i of e.indices) {
          if (i.kind !== "Slice") this.expr(i, place);
          else for (const x of [i.start, i.end]) if (x) this.expr(x, place);
        }
        return;
      default:
        return;
    }
  }

  /** `inputImplicit`: a network applied as a layer, encoder or decoder gets its first input from the running value. */
  private call(c: Call, place: Place, inputImplicit = false): void {
    // a built-in's `calls` arguments (a flow prior's layers) hold calls of that context; its
    // network-typed parameters (Hierarchical's net) take a network, applied like an encoder
    const own = place.builtins.map((ctx) => lookupBuiltin(ctx, c.callee.name)).find((b) => b !== undefined);
    const networkParams = new Set(place.builtins.flatMap((ctx) => lookupBuiltin(ctx, c.callee.name)?.params.filter((p) => p.type === "network").map((p) => p.name) ?? []));
    c.args.forEach((a, i) => {
      const p = own && (a.name ? own.params.find((q) => q.name === a.name!.name) : own.params[i]);
      const ctx = p?.calls;
      if (ctx) for (const x of callsIn(a.value)) x.kind === "Call" && this.call(x, { what: ctx, builtins: [ctx] });
      else if (a.name && networkParams.has(a.name.name) && a.value.kind === "Call") this.call(a.value, { what: "network", builtins: ["network"], networks: true }, true);
      else this.expr(a.value, this.fn(place.locals));
    });
    const name = c.callee.name;
    const at = `${c.span.file}:${c.span.line}:${c.span.col} ${name}`;
    if (place.locals?.has(name)) return this.args(c, { params: [{ name: "input", required: true }], variadic: false }, at);
    const bias = place.biases ? this.biases.get(name) : undefined;
    if (bias) return this.args(c, declSignature(bias, false), at);
    const net = place.networks ? this.networks.get(name) : undefined;
    if (net) return this.args(c, declSignature(net, inputImplicit), at);
    for (const ctx of place.builtins) {
      const b = lookupBuiltin(ctx, name);
      if (b) {
        const sig = { params: b.params.map((p) => ({ name: p.name, required: p.default === undefined })), variadic: !!b.variadic };
        return this.args(c, sig, at);
      }
    }
    this.problems.push(`${at}: not a ${place.what} (nor a bias or network in scope)`);
  }

  private args(c: Call, sig: Signature, at: string): void {
    const positional = c.args.filter((a: Arg) => !a.name);
    if (positional.length > sig.params.length && !sig.variadic) this.problems.push(`${at}: ${positional.length} positional arguments, takes ${sig.params.length}`);
    const bound = new Set(sig.params.slice(0, positional.length).map((p) => p.name));
    for (const a of c.args) {
      if (!a.name) continue;
      if (!sig.params.some((p) => p.name === a.name!.name)) this.problems.push(`${at}: no parameter '${a.name.name}'`);
      else if (bound.has(a.name.name)) this.problems.push(`${at}: '${a.name.name}' given twice`);
      bound.add(a.name.name);
    }
    for (const p of sig.params) if (p.required && !bound.has(p.name)) this.problems.push(`${at}: missing '${p.name}'`);
  }
}

function declSignature(d: BiasDecl | NetworkDecl, skipInput: boolean): Signature {
  const ps = skipInput ? d.params.slice(1) : d.params;
  return { params: ps.map((p) => ({ name: p.name.name, required: p.default === undefined })), variadic: false };
}

describe("specs", () => {
  it("exist: the prelude, examples and paper reproductions", () => {
    const rel = FILES.map((f) => relative(SPECS, f));
    expect(rel).toContain("prelude.intel");
    expect(rel.filter((f) => f.startsWith("examples/")).length).toBeGreaterThanOrEqual(4);
    expect(rel.filter((f) => f.startsWith("paper/")).length).toBeGreaterThanOrEqual(8);
  });

  const prelude = parseFile(PRELUDE);

  it.each(FILES.map((f) => [relative(SPECS, f), f]))("%s parses, names its calls rightly, and says what it is", (_, path) => {
    const program = path === PRELUDE ? prelude : parseFile(path);
    expect(program.version?.text, "starts with `intel 0.1`").toBe("0.1");
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")[1], "a header comment").toMatch(/^#/);
    const imports = program.items.filter((i) => i.kind === "Import").map((i) => (i.kind === "Import" ? i.path : ""));
    const usesPrelude = imports.includes("prelude");
    if (path !== PRELUDE) expect(usesPrelude || program.items.every((i) => i.kind !== "ModelDecl"), "imports the prelude").toBe(true);
    const checker = new SpecChecker(usesPrelude ? [prelude, program] : [program]);
    checker.check(program);
    expect(checker.problems).toEqual([]);
  });

  // The README's main job is `intel check specs/`: every spec must pass it with no error and no
  // warning (infos, such as "this model is a baseline", are fine), except the warnings a spec exists
  // to show, which must then be exactly those.
  const SHOWN: Record<string, string[]> = { "family/ring-x-conditioned.intel": ["IV5090"] };
  it.each(FILES.map((f) => [relative(SPECS, f), f]))("%s passes `intel check` without errors or warnings", (name, path) => {
    const result = checkFile(path, diskHost(ROOT));
    const bad = result.diagnostics.filter((d) => d.severity !== "info");
    const shown = SHOWN[name as string] ?? [];
    expect(bad.filter((d) => d.severity === "warning").map((d) => d.code)).toEqual(expect.arrayContaining(shown));
    expect(bad.filter((d) => !shown.includes(d.code) || d.severity === "error").map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`)).toEqual([]);
  });
});
