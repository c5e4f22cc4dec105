// A job's `intel train` child must not outlive its worker: if the worker is killed (SIGKILL leaves
// no chance to stop it), the job is retried elsewhere and resumes the same run folder, so two
// trainings would write one run. The worker passes its pid in the environment; the child checks
// twice a second that its parent is still that process and quits at once (no checkpoint) if not.
export const PARENT_WATCH_ENV = "INTEL_PARENT_PID";

export function watchParent(env: NodeJS.ProcessEnv = process.env): void {
  const pid = Number(env[PARENT_WATCH_ENV]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid !== pid) process.kill(process.pid, "SIGKILL");
  }, 500);
  timer.unref();
}
