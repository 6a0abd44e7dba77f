// SPEC §10 environments: a history artifact per environment (`envlog-<name>`) and the `env-<name>` tag it moves.
export { parseWeights, formatWeights, formatSplit, formatPercent, shares, assertOneMajor, type VersionWeight } from './weights';
export {
  readEnvlog,
  envlogTag,
  currentEntry,
  type Envlog,
  type EnvlogHead,
  type EnvironmentEntry,
  type EnvironmentTarget,
  type EnvironmentAction,
} from './envlog';
export { appendEntry, type AppendInput, type EntryDraft } from './append';
export { promote, traffic, rollback, previousAssignment, type EnvironmentChangeInput, type EnvironmentChangeResult } from './change';
export { listEnvironments, environmentHistory, formatEnvironmentsTable, formatHistoryTable, formatChangeResult, type EnvironmentRow } from './list';
