import { describeVersion, formatDescription } from '@modelos/versioning-core/metadata';
import { openRepository } from '@modelos/versioning-core/oci';
import type { ResourceTaskBody } from '../resource-executor';
import type { DescribeExecutorOptions } from './schema';

export const describeTask: ResourceTaskBody<DescribeExecutorOptions> = async ({ options, target, out }) => {
  const description = await describeVersion(openRepository(target.registry, target.resource.name), options.version ?? 'latest');
  out.result(description, () => formatDescription(description));
};
