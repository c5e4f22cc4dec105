// Every function of the builtin table has a domain rule, and the rule matches the table: a function with a
// `domain` interval is checked against it, a special rule is backed by a check that fires.
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../compiler/builtins/functions";
import { checkSource } from "../../compiler/check";
import { DOMAIN_RULES } from "../../compiler/checks/domain";

const errors = (body: string) =>
  checkSource(`bias b(y: Real[2]) -> Real[2] {\n${body}\n}\n`).diagnostics.filter((d) => d.severity === "error").map((d) => d.code);

describe("domain rules", () => {
  it("cover every function in the builtin table, and nothing else", () => {
    const names = FUNCTIONS.map((f) => f.name).sort();
    expect(names.filter((n) => !(n in DOMAIN_RULES))).toEqual([]);
    expect(Object.keys(DOMAIN_RULES).filter((n) => !names.includes(n))).toEqual([]);
  });

  it("'table' exactly for the functions with a domain interval", () => {
    for (const f of FUNCTIONS) expect([f.name, DOMAIN_RULES[f.name] === "table"]).toEqual([f.name, !!f.domain]);
  });

  it.each([
    ["division", "  return y + mod(y, y[0])"],
    ["power", "  return pow(y, -1)"],
    ["poles", "  return tan(y)"],
    ["origin", "  @allow(discontinuous)\n  let a = atan2(y[1], y[0])\n  return y * a"],
  ])("the %s rule fires on an unsafe use", (rule, body) => {
    expect(Object.values(DOMAIN_RULES)).toContain(rule);
    expect(errors(body).length).toBeGreaterThan(0);
  });
});
