import { serveTasks } from './worker';

/**
 * The task worker's process, started in the background by the first task that finds none
 * (client.ts) as `worker-main.js <socket> <workspace root>`, in the tasks' working directory:
 * serves tasks on the socket until idle, then exits. A failure to listen (another worker won
 * the race for this socket) ends it too: tasks then run in their own processes. So does a task
 * whose process was stopped mid-task: its work stops as it would have in that process (tasks
 * running beside it fail, saying the worker ended).
 */
const [socketPath, root] = process.argv.slice(2);
const exit = () => process.exit(0);
serveTasks(socketPath, { root, cwd: process.cwd() }, { onAbandoned: () => process.exit(1) })
  .then(({ closed }) => closed)
  .then(exit, exit);
