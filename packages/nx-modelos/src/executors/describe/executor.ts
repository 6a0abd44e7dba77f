import { describeVersion, formatDescription, openRepository } from '@modelos/versioning-core';
import { defineResourceExecutor } from '../resource-executor';
import type { DescribeExecutorOptions } from './schema';

export const { executor, batch } = defineResourceExecutor<DescribeExecutorOptions>(async ({ options, target, out }) => {
  const description = await describeVersion(openRepository(target.registry, target.resource.name), options.version ?? 'latest');
  if (options.json) out.json(description);
  else out.info(formatDescription(description));
});

export default executor;
