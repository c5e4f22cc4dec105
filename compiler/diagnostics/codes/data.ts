// Data (IV6xxx): files and their shape and range.
import type { CatalogEntry } from "../catalog-entry";

export const DATA_CODES = {
} as const satisfies Record<string, CatalogEntry>;
