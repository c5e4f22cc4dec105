// The CLI's view of the terminal, so commands can be run (and tested) without touching process globals.
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** colour only on a TTY, and never when NO_COLOR is set */
  color: boolean;
}

export function processIo(): Io {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    color: Boolean(process.stdout.isTTY) && !noColor,
  };
}

export function bufferIo(): Io & { stdout: () => string; stderr: () => string } {
  let o = "";
  let e = "";
  return {
    out: (s) => void (o += s),
    err: (s) => void (e += s),
    color: false,
    stdout: () => o,
    stderr: () => e,
  };
}
