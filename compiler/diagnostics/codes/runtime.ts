// Runtime ranges (IV7xxx): what only shows when tensors exist.
import type { CatalogEntry } from "../catalog-entry";

export const RUNTIME_CODES = {
} as const satisfies Record<string, CatalogEntry>;
