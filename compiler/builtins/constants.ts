// Named constants, usable wherever a value is: `Normal(0, I)`, `2 * pi / k`. A local name shadows them.
import { maker } from "./define";
import type { Builtin } from "./types";

const constant = maker("constant");

export const CONSTANTS: readonly Builtin[] = [
  constant("I", [], "the identity matrix, sized by its use: in Normal(0, I) the intermediary's D × D"),
  constant("pi", [], "π = 3.14159…"),
  constant("e", [], "Euler's number e = 2.71828…"),
  constant("inf", [], "+∞ (for bounds, e.g. clip(x, 0, inf))"),
];
