// Sweeps on BullMQ (Redis): one job per arm and seed, with the job key as BullMQ's job id (enqueuing
// a sweep again adds nothing), retries for failed attempts, and BullMQ's stalled-job handling for
// workers that die: their lock expires, another worker takes the job again, and runJob resumes the
// run from its last checkpoint. Results come back as the jobs' return values.
import { Job, Queue, Worker, type ConnectionOptions } from "bullmq";
import { UsageError } from "../args";
import { runJob, type JobData, type JobIo, type JobResult } from "./run-job";

export const QUEUE_NAME = "intel-sweep";

/** `redis://[:password@]host:port[/db]` as ioredis options. */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue needs a URL redis://HOST:PORT, got '${url}'`);
  }
  if (u.protocol !== "redis:" || !u.hostname) throw new UsageError(`--queue needs a URL redis://HOST:PORT, got '${url}'`);
  const db = u.pathname.replace(/^\//, "");
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    maxRetriesPerRequest: null,
    // a queue that is not there should fail the command, not retry for ever
    retryStrategy: (times: number) => (times > 5 ? null : 200 * times),
  };
}

export interface Outcome {
  key: string;
  result?: JobResult;
  failed?: string;
}

/** Adds the jobs (those already in the queue, whatever their state, are left as they are). */
export async function enqueue(url: string, jobs: JobData[], attempts = 3): Promise<void> {
  const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection: redisConnection(url) });
  try {
    await queue.addBulk(jobs.map((data) => ({ name: data.sweep, data, opts: { jobId: data.key, attempts, backoff: { type: "fixed", delay: 1000 }, removeOnComplete: false, removeOnFail: false } })));
  } finally {
    await queue.close();
  }
}

/** Waits until every job has completed or failed for good; `onDone` hears each as it ends. */
export async function waitFor(url: string, keys: string[], onDone: (o: Outcome) => void, o: { pollMs?: number; timeoutMs?: number } = {}): Promise<Outcome[]> {
  const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection: redisConnection(url) });
  const out = new Map<string, Outcome>();
  const deadline = o.timeoutMs ? Date.now() + o.timeoutMs : Infinity;
  try {
    while (out.size < keys.length) {
      for (const key of keys) {
        if (out.has(key)) continue;
        const job = await Job.fromId<JobData, JobResult>(queue, key);
        if (!job) {
          out.set(key, { key, failed: "the job is no longer in the queue" });
          onDone(out.get(key)!);
          continue;
        }
        const state = await job.getState();
        const ended: Outcome | null = state === "completed" ? { key, result: job.returnvalue } : state === "failed" ? { key, failed: job.failedReason } : null;
        if (ended) {
          out.set(key, ended);
          onDone(ended);
        }
      }
      if (out.size < keys.length) {
        if (Date.now() > deadline) throw new Error(`gave up waiting: ${keys.length - out.size} job(s) not finished`);
        await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
      }
    }
  } finally {
    await queue.close();
  }
  return keys.map((k) => out.get(k)!);
}

export interface WorkerOptions {
  concurrency: number;
  /** how long a job's lock lasts without renewal: a dead worker's job is taken again after about this */
  lockMs: number;
  /** quit after the queue has had nothing waiting or running for this long (null: run until a signal) */
  idleExitMs: number | null;
}

/** Processes sweep jobs until SIGINT/SIGTERM (or idleness); resolves when the worker has closed. */
export async function work(url: string, o: WorkerOptions, io: JobIo): Promise<void> {
  const connection = redisConnection(url);
  const worker = new Worker<JobData, JobResult>(QUEUE_NAME, async (job) => runJob(job.data, io), {
    connection,
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    maxStalledCount: 3,
  });
  worker.on("completed", (job) => io.log(`${job.id}: done in ${job.returnvalue.wallSeconds.toFixed(1)} s\n`));
  worker.on("failed", (job, err) => io.log(`${job?.id ?? "?"}: attempt ${job?.attemptsMade ?? "?"} failed: ${err.message}\n`));
  worker.on("error", (err) => io.log(`worker: ${err.message}\n`));
  await worker.waitUntilReady();
  io.log(`worker ${process.pid}: waiting for jobs on ${url} (queue ${QUEUE_NAME}, concurrency ${o.concurrency})\n`);
  const queue = new Queue(QUEUE_NAME, { connection });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await worker.close();
    await queue.close();
  };
  await new Promise<void>((resolve) => {
    const stop = () => void close().then(resolve);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (o.idleExitMs !== null) {
      let idleSince = Date.now();
      const timer = setInterval(() => {
        void queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children").then((c) => {
          const busy = Object.values(c).some((n) => n > 0);
          if (busy) idleSince = Date.now();
          else if (Date.now() - idleSince >= o.idleExitMs!) {
            clearInterval(timer);
            io.log(`worker ${process.pid}: queue idle for ${(o.idleExitMs! / 1000).toFixed(0)} s: quitting\n`);
            stop();
          }
        }, () => {});
      }, 500);
    }
  });
}
