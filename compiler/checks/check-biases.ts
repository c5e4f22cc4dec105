// Bias validation (IV4xxx), docs/architecture.md §2. Every bias of every loaded module is analysed
// on its own (y over all reals, hyperparameters at their defaults), over a value graph with intervals;
// a model's mapping is analysed the same way, as a bias whose body is `return <the mapping>`:
//   domain.ts      division, log, sqrt, powers, asin/acos/log1p out of domain        IV4004–IV4007
//   overflow.ts    exp/sinh/cosh/powers beyond float32 at |y| ≤ 4 (a second graph)   IV4012
//   gradient.ts    every param and y reach z through differentiable operations      IV4001–IV4003
//   smoothness.ts  infinite slopes and jumps on the path from y to z                IV4008, IV4009
//   penalties.ts   penalties get a gradient (that they are scalars: the type checker) IV4010
//   call-sites.ts  hyperparameter values passed at a call are checked there (models included)
// A call of a user bias takes the callee's summary: its return range and which arguments a gradient
// reaches. Whatever failed name resolution is skipped silently.
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { NameCheck } from "../names/check-names";
import type { LoadedModules } from "../names/modules";
import { Analyzer } from "./analysis";
import { checkGradients } from "./gradient";
import type { Finding } from "./graph";
import { checkPenalties } from "./penalties";
import { checkSmoothness } from "./smoothness";

export { Analyzer, type Analysis } from "./analysis";

export function checkBiasDefinitions(loaded: LoadedModules, names: NameCheck): { diagnostics: Diagnostic[] } {
  const analyzer = new Analyzer(names.resolution, new Map(loaded.modules.map((m) => [m.file, m.text])));
  const diagnostics: Diagnostic[] = [];
  for (const mod of loaded.modules) {
    for (const item of mod.program.items) {
      if (item.kind === "BiasDecl") {
        const { graph, findings } = analyzer.analyse(item);
        diagnostics.push(...findings.map(toDiagnostic), ...checkGradients(graph), ...checkSmoothness(graph), ...checkPenalties(graph));
      } else if (item.kind === "ModelDecl") {
        // a mapping written in the model is checked like a bias (its penalties are its callees')
        for (const m of item.items) {
          if (m.kind !== "MappingItem") continue;
          const { graph, findings } = analyzer.mapping(item, m);
          diagnostics.push(...findings.map(toDiagnostic), ...checkGradients(graph), ...checkSmoothness(graph));
        }
      }
    }
  }
  return { diagnostics };
}

export function toDiagnostic(f: Finding): Diagnostic {
  return diagnostic(f.code, f.span ?? f.node.span, `${f.noun}${f.problem}`, { hint: f.hint, labels: f.labels });
}
