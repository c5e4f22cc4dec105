// A small argument parser: flags with values, boolean flags, positionals; errors are usage errors.
export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** `valued` lists the flags that take a value (`--out DIR` or `--out=DIR`); the others are booleans. */
export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    const [rawName, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const name = rawName.replace(/^--?/, "");
    if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${rawName} needs a value`);
      flags.set(name, value);
    } else if (booleans.includes(name)) {
      if (inline !== undefined) throw new UsageError(`${rawName} takes no value`);
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option ${rawName}`);
    }
  }
  return { positionals, flags };
}

/** Pulls every `--NAME VALUE` / `--NAME=VALUE` of a repeatable flag out of argv (e.g. `--set a=1 --set b=2`). */
export function takeRepeated(argv: readonly string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === `--${name}`) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      values.push(v);
    } else if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
    else rest.push(a);
  }
  return { values, rest };
}
