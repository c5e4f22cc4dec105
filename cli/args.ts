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
