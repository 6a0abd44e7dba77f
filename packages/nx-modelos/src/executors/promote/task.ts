import { UserError } from '@modelos/versioning-core/errors';
import { promote } from '@modelos/versioning-core/environments';
import { environmentChangeInput, reportChange } from '../environment-change';
import type { ResourceTaskBody } from '../resource-executor';
import type { PromoteExecutorOptions } from './schema';

export const promoteTask: ResourceTaskBody<PromoteExecutorOptions> = async ({ options, target, out }) => {
  if (!options.version) throw new UserError('--version is required: the release to promote, e.g. --version v1.1.0');
  reportChange(out, await promote({ ...environmentChangeInput(options, target), version: options.version }));
};
