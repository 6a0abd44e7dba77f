// SPEC §10 metadata: what `describe` and `compare` read back from configs, and how they print it.
export { describeVersion, type VersionDescription, type VersionStatus } from './describe';
export { formatDescription } from './format-describe';
export {
  compareResourceVersions,
  type Comparison,
  type CompareInput,
  type ComparedVersion,
  type NumberDifference,
  type MetricDifference,
  type LabelDifference,
  type InterfaceDifference,
  type ProjectFileChanges,
  type ChangedFile,
} from './compare';
export { formatComparison } from './format-compare';
