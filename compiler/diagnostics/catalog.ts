// The catalog of diagnostic codes, one file per stage under codes/. Codes are stable: never renumber, only add.
//   IV1xxx syntax · IV2xxx names · IV3xxx types and shapes · IV4xxx bias validation
//   IV5xxx model rules · IV6xxx data · IV7xxx runtime ranges · IV9xxx internal and usage
// The message of an actual diagnostic is specific to the case; the title summarises the code.
import { BIAS_CODES } from "./codes/bias";
import { DATA_CODES } from "./codes/data";
import { INTERNAL_CODES } from "./codes/internal";
import { MODEL_CODES } from "./codes/model";
import { NAMES_CODES } from "./codes/names";
import { RUNTIME_CODES } from "./codes/runtime";
import { SWEEP_CODES } from "./codes/sweeps";
import { SYNTAX_CODES } from "./codes/syntax";
import { TYPES_CODES } from "./codes/types";

export type { CatalogEntry, Severity } from "./catalog-entry";

export const CATALOG = {
  ...SYNTAX_CODES,
  ...NAMES_CODES,
  ...TYPES_CODES,
  ...BIAS_CODES,
  ...MODEL_CODES,
  ...SWEEP_CODES,
  ...DATA_CODES,
  ...RUNTIME_CODES,
  ...INTERNAL_CODES,
};

export type Code = keyof typeof CATALOG;

export const isCode = (s: string): s is Code => Object.prototype.hasOwnProperty.call(CATALOG, s);
