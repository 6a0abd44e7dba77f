import type { Socket } from 'node:net';
import type { OutputKind } from '../task-output';

/**
 * The run a task belongs to: Nx's process that started it (the task process's parent), its
 * target, and the projects of every task of that target in the run's task graph.
 */
export interface TaskRun {
  id: string;
  target: string;
  projects: string[];
}

/** What a task's process asks of the worker: one task, as Nx handed it over. */
export interface TaskRequest {
  task: string;
  options: Record<string, unknown>;
  projectName?: string;
  targetName?: string;
  configurationName?: string;
  isVerbose: boolean;
  nxJson: unknown;
  /**
   * What the task's process knows of the project graph it read from Nx's graph cache: the
   * worker reads the same file, and declines the task if its copy disagrees (a concurrent Nx
   * command rewrote the file in between).
   */
  graph: { projects: number; root?: string };
  /** Absent when Nx gave the task no task graph: the task then shares nothing. */
  run?: TaskRun;
}

/** The worker's answers, one per line: output lines as they come, then the outcome. */
export type WorkerMessage =
  | { line: OutputKind; value: unknown }
  | { done: boolean }
  | { declined: string };

export function send(socket: Socket, message: TaskRequest | WorkerMessage): void {
  socket.write(`${JSON.stringify(message)}\n`);
}

/** Calls `onMessage` with each newline-delimited JSON message the socket receives. */
export function onMessages(socket: Socket, onMessage: (message: unknown) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (!line) continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy(new Error('the task worker protocol got a line that is not JSON'));
        return;
      }
      onMessage(message);
    }
  });
}
