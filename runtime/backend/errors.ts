// The one error a backend raises for the user's environment (a package or driver missing): the CLI
// prints it as a message and exits 1.
export type ResolvedBackend = "tensorflow-gpu" | "tensorflow" | "webgpu" | "wasm" | "cpu";

export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
  constructor(
    readonly backend: ResolvedBackend,
    readonly reason: string,
    readonly hint: string,
    /** set for something the user asked for by name (INTEL_MATMUL=openblas): `auto` must not skip past it */
    readonly requested = false,
  ) {
    super(`backend '${backend}' is not available: ${reason}; ${hint}`);
  }
}
