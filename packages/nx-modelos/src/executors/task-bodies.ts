import type { ResourceTaskBody, SetTaskBody } from './resource-executor';

/**
 * Every target's body by executor name, each loaded only when asked for: a task's process that
 * hands its task to the task worker never loads one, and the worker loads each once.
 */
const taskBodies = {
  clean: () => import('./clean/task').then((m) => m.cleanTask),
  compare: () => import('./compare/task').then((m) => m.compareTask),
  describe: () => import('./describe/task').then((m) => m.describeTask),
  environments: () => import('./environments/task').then((m) => m.environmentsTask),
  pack: () => import('./pack/task').then((m) => m.packTask),
  promote: () => import('./promote/task').then((m) => m.promoteTask),
  release: () => import('./release/task').then((m) => m.releaseTask),
  releases: () => import('./releases/task').then((m) => m.releasesTask),
  report: () => import('./report/task').then((m) => m.reportTask),
  resolve: () => import('./resolve/task').then((m) => alone(m.resolveSet)),
  rollback: () => import('./rollback/task').then((m) => m.rollbackTask),
  store: () => import('./store/task').then((m) => m.storeTask),
  traffic: () => import('./traffic/task').then((m) => m.trafficTask),
  versions: () => import('./versions/task').then((m) => m.versionsTask),
};

export type TaskName = keyof typeof taskBodies;

export function isTaskName(name: unknown): name is TaskName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(taskBodies, name);
}

/** The body of executor `name`, for options of type O (each executor's schema.d.ts). */
export function loadTaskBody<O>(name: TaskName): Promise<ResourceTaskBody<O>> {
  return taskBodies[name]() as Promise<ResourceTaskBody<O>>;
}

/** A set target run alone: its own project is the whole set. */
function alone<O>(body: SetTaskBody<O>): ResourceTaskBody<O> {
  return (task) => body({ ...task, projects: [task.target.resource.name] });
}
