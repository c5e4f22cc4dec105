// The embedded default: a sweep's jobs on this machine, `parallel` at a time (each job's training
// and evaluation are child processes, so they run on separate cores). No Redis needed.
import { runJob, type JobData, type JobIo } from "./run-job";
import type { Outcome } from "./queue";

export async function runLocal(jobs: readonly JobData[], parallel: number, io: JobIo, onDone: (o: Outcome) => void): Promise<Outcome[]> {
  const out: Outcome[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      try {
        out[i] = { key: job.key, result: await runJob(job, io) };
      } catch (e) {
        out[i] = { key: job.key, failed: (e as Error).message };
      }
      onDone(out[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, lane));
  return out;
}
