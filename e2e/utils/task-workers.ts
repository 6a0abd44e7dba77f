import { readdirSync, readFileSync } from 'node:fs';

export interface TaskWorkerProcess {
  pid: number;
  /** CPU time used so far (user + system), in clock ticks. */
  cpuTicks: number;
}

/** The running @modelos/nx task workers of the workspace at `root`, read from /proc (Linux). */
export function taskWorkers(root: string): TaskWorkerProcess[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (!argv.some((arg) => arg.endsWith('/task-worker/worker-main.js')) || !argv.includes(root)) return [];
        // Fields after the command name in parentheses: utime and stime are the 12th and 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return [{ pid: Number(pid), cpuTicks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return []; // Ended while being read.
      }
    });
}
