import { fetchEndpointStatus, formatEndpointStatus } from '@modelos/versioning-core/endpoint-status';
import { traffic } from '@modelos/versioning-core/environments';
import { UserError } from '@modelos/versioning-core/errors';
import { environmentChangeInput, reportChange } from '../environment-change';
import type { ResourceTaskBody } from '../resource-executor';
import type { TrafficExecutorOptions } from './schema';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

export const trafficTask: ResourceTaskBody<TrafficExecutorOptions> = async ({ options, target, out }) => {
  if (options.status) {
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    const status = await fetchEndpointStatus(endpoint);
    // Another resource's endpoint on the same port would otherwise pass for this one's.
    const wanted = `${target.resource.name}@${options.env ?? status.environment}`;
    if (`${status.resource}@${status.environment}` !== wanted) {
      throw new UserError(`the endpoint at ${endpoint} serves ${status.resource}@${status.environment}, not ${wanted}: point --endpoint at the ${wanted} endpoint (mdl endpoint … --port P)`);
    }
    out.result(status, () => formatEndpointStatus(status));
    return;
  }
  if (!options.weights) throw new UserError('--weights is required (e.g. --weights v1.0.0=90,v1.1.0=10), or --status to show the endpoint');
  reportChange(out, await traffic({ ...environmentChangeInput(options, target), weights: options.weights }));
};
