#!/usr/bin/env node
// Entry point for `npx intel`: registers tsx so the TypeScript sources run without a build step.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
