// Data (IV6xxx): files and their shape and range, checked before training starts.
// Raised by runtime/data as DataError(message, code, at) and rendered by the CLI in the compiler's format.
import type { CatalogEntry } from "../catalog-entry";

export const DATA_CODES = {
  IV6001: { severity: "error", title: "the data source yields no datapoints", hint: "check the `classes`, `limit` and `multipliers` arguments" },
  IV6002: { severity: "error", title: "the data's shape differs from the spec's declaration" },
  IV6003: { severity: "error", title: "the data holds NaN or infinite values" },
  IV6004: { severity: "error", title: "the data's values lie outside the range the spec relies on" },
  IV6005: { severity: "error", title: "the data or its arguments cannot be read or are malformed" },
  IV6010: {
    severity: "error",
    title: "a data file changed since the run started: a resume would not repeat the run's numbers",
    hint: "restore the data the run started with, or start a new run",
  },
  IV6011: { severity: "warning", title: "a data file changed since the run was trained: evaluated on the data as it is now" },
} as const satisfies Record<string, CatalogEntry>;
