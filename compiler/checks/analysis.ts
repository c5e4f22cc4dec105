// One analysis per (bias, hyperparameter values), memoised: the value graph, its domain findings, and
// the summary its callers use (return range, which parameters a gradient reaches). A bias is analysed
// once at its defaults; calls with other values add a bounded number of analyses (see `callee`). A bias that (wrongly) calls itself gets a conservative summary.
import type { BiasDecl, MappingItem, ModelDecl, Span } from "../../grammar/ast";
import type { Resolution } from "../names/symbols";
import { GraphBuilder, type BuildContext } from "./build";
import { callSiteFindings } from "./call-sites";
import { domainFindings } from "./domain";
import { overflowFindings, TYPICAL } from "./overflow";
import { reachesBack, type Finding, type Graph, type Summary } from "./graph";
import { isPoint, neg, NONNEGATIVE, point, POSITIVE, REAL, subset, type Interval } from "./interval";

export interface Analysis {
  graph: Graph;
  summary: Summary;
  findings: Finding[];
  /** findings left to the call sites: they come from a required hyperparameter's unknown value */
  deferred?: boolean;
}

const key = (f: Finding): string => `${f.code}@${(f.span ?? f.node.span).file}:${(f.span ?? f.node.span).offset}`;

export class Analyzer implements BuildContext {
  private readonly memo = new Map<BiasDecl, Map<string, Analysis>>();
  private readonly active = new Set<BiasDecl>();
  /** exact-value specialisations made so far, per bias */
  private readonly exact = new Map<BiasDecl, number>();

  constructor(
    readonly resolution: Resolution,
    private readonly sources: ReadonlyMap<string, string>,
  ) {}

  text(span: Span): string {
    const src = this.sources.get(span.file);
    const raw = src === undefined ? "" : src.slice(span.offset, span.end).replace(/\s+/g, " ").trim();
    return raw.length > 48 ? `${raw.slice(0, 45)}…` : raw;
  }

  analyse(decl: BiasDecl, hyper: (Interval | undefined)[] = []): Analysis {
    const k = hyperKey(hyper);
    const cached = this.memo.get(decl)?.get(k);
    if (cached) return cached;
    if (this.active.has(decl)) return conservative(decl);
    this.active.add(decl);
    try {
      const graph = GraphBuilder.bias(this, decl, hyper);
      const typical = GraphBuilder.bias(this, decl, hyper, TYPICAL);
      let findings = [...domainFindings(graph), ...overflowFindings(typical), ...callSiteFindings(graph, (s) => this.text(s))];
      // `y / temperature` with no default: judged at each call, with the value passed there. What the
      // bias does wrong whatever the value (checked at temperature = 1) stays reported here.
      const required = decl.params.map((p, i) => (i > 0 && !p.default ? POINT_ONE : undefined));
      let deferred = false;
      if (hyper.length === 0 && required.some((r) => r) && findings.length > 0) {
        this.active.delete(decl);
        const atOne = new Set(this.analyse(decl, required).findings.map(key));
        this.active.add(decl);
        deferred = findings.some((f) => !atOne.has(key(f)));
        findings = findings.filter((f) => atOne.has(key(f)));
      }
      const a: Analysis = { graph, summary: summarise(graph), findings, deferred };
      const byKey = this.memo.get(decl) ?? new Map<string, Analysis>();
      byKey.set(k, a);
      this.memo.set(decl, byKey);
      return a;
    } finally {
      this.active.delete(decl);
    }
  }

  /** A model's mapping, written inline or as a call: the same findings as a bias's (domain, float32
   *  overflow at typical latents, call sites), with its graph for the reachability and smoothness checks. */
  mapping(model: ModelDecl, item: MappingItem): { graph: Graph; findings: Finding[] } {
    const graph = GraphBuilder.mapping(this, model, item);
    const typical = GraphBuilder.mapping(this, model, item, TYPICAL);
    return { graph, findings: [...domainFindings(graph), ...overflowFindings(typical), ...callSiteFindings(graph, (s) => this.text(s))] };
  }

  /** A called bias with the caller's hyperparameter values. Values its default analysis covers cost
   *  nothing; otherwise one analysis per sign class of the values (eps: 1e-3 and eps: 1e-5 share
   *  "eps > 0"), and one per exact value, at most EXACT_LIMIT per bias (beyond it the class's
   *  findings are reported: sound for the domain checks, if less precise). So the work per bias is
   *  bounded whatever the number of call sites, and the whole check stays linear in the spec. */
  callee(decl: BiasDecl, hyper: (Interval | undefined)[]): { summary: Summary; overridden: number[]; findings: Finding[] } {
    const base = this.analyse(decl);
    const overrides: (Interval | undefined)[] = [];
    const overridden: number[] = [];
    hyper.forEach((h, i) => {
      const def = base.graph.inputs[i];
      const required = base.deferred && !decl.params[i]?.default;
      if (i === 0 || !h || !def || def.unknown || (subset(h, def.range) && !required)) return;
      overrides[i] = h;
      overridden.push(i);
    });
    if (overridden.length === 0) return { summary: base.summary, overridden, findings: [] };
    const known = new Set(base.findings.map(key));
    const fresh = (a: Analysis) => a.findings.filter((f) => !known.has(key(f)));
    const wide = this.analyse(decl, overrides.map((o) => o && signClass(o)));
    const exact = this.memo.get(decl)?.has(hyperKey(overrides)) || (this.exact.get(decl) ?? 0) < EXACT_LIMIT;
    // a safe class still gets the exact values while the budget lasts: a sign says nothing of
    // overflow (exp(k * y) is fine for k: 1 and infinite for k: 100)
    if (!exact) return { summary: wide.summary, overridden, findings: fresh(wide) };
    this.exact.set(decl, (this.exact.get(decl) ?? 0) + 1);
    const special = this.analyse(decl, overrides);
    return { summary: special.summary, overridden, findings: fresh(special) };
  }
}

const EXACT_LIMIT = 16;
const POINT_ONE = point(1);

const hyperKey = (hyper: (Interval | undefined)[]): string => hyper.map((h) => (h ? `${h.loOpen ? "(" : "["}${h.lo},${h.hi}${h.hiOpen ? ")" : "]"}` : "")).join("|");

/** The sign class of a set of values: what a whole family of call sites shares. */
function signClass(a: Interval): Interval {
  if (a.lo > 0 || (a.lo === 0 && a.loOpen)) return POSITIVE;
  if (a.hi < 0 || (a.hi === 0 && a.hiOpen)) return neg(POSITIVE);
  if (isPoint(a)) return a; // 0
  if (a.lo >= 0) return NONNEGATIVE;
  if (a.hi <= 0) return neg(NONNEGATIVE);
  return REAL;
}

function summarise(g: Graph): Summary {
  const n = g.inputs.length;
  if (!g.ret || g.failed) return { ret: g.ret?.node.range ?? REAL, retInteger: false, diffInputs: Array(n).fill(true), penaltyInputs: Array(n).fill(false) };
  const toZ = reachesBack([g.ret.node], "gradient");
  const toPenalty = reachesBack(
    g.penalties.map((p) => p.node),
    "gradient",
  );
  return {
    ret: g.ret.node.range,
    retInteger: g.ret.node.integer,
    diffInputs: g.inputs.map((i) => toZ.has(i)),
    penaltyInputs: g.inputs.map((i) => toPenalty.has(i)),
  };
}

function conservative(decl: BiasDecl): Analysis {
  const n = decl.params.length;
  const graph: Graph = { decl, nodes: [], inputs: [], params: [], penalties: [], failed: true };
  return { graph, findings: [], summary: { ret: REAL, retInteger: false, diffInputs: Array(n).fill(true), penaltyInputs: Array(n).fill(false) } };
}
