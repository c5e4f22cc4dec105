// intel-vae's public API (docs/api.md): check and compile specs, train models, use trained runs,
// export them. Everything here is a thin, typed layer over compiler/ and runtime/.
export { checkFile, checkSource, compile, SpecError, type CheckOptions, type CheckResult, type Compiled, type CompileOptions, type SpecInput } from "./api/compile";
export { resume, train, type EpochInfo, type StepInfo, type TrainCallbacks, type TrainOptions, type TrainOutcome } from "./api/train";
export { loadRun, type Elbo, type LoadRunOptions, type TrainedModel } from "./api/run";
export { plainModel, type PlainModel } from "./runtime/export/plain-model.js";
export { ShapeError, type Batch, type Out } from "./api/arrays";
export type { Diagnostic } from "./compiler/diagnostics/diagnostic";
export type { ModelIR } from "./compiler/ir/types";
export type { BackendName } from "./runtime/backend/select";
