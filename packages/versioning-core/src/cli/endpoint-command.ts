import { startEndpoint } from '../endpoint/endpoint';
import { parseEndpointRef } from '../endpoint/endpoint-ref';
import { UserError } from '../errors';
import { parseCommandArgs } from './command-args';
import { parsePort } from './port';

/**
 * `mdl endpoint <registry>:<resource>@<env> [--port N] [--host H] [--poll-ms MS]`: serves in the
 * foreground until SIGINT/SIGTERM; SIGHUP re-reads the environment at once.
 */
export async function endpointCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('endpoint', args, {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'poll-ms': { type: 'string', default: '3000' },
  });
  if (positionals.length !== 1) throw new UserError('endpoint takes one reference: <registry>:<resource>@<environment>, e.g. oci://127.0.0.1:5000/ml-project:ham@production (see mdl help endpoint)');
  const pollMs = Number(values['poll-ms']);
  if (!/^\d+$/.test(values['poll-ms']) || pollMs < 100) throw new UserError(`invalid --poll-ms "${values['poll-ms']}": expected milliseconds, at least 100`);
  const ref = parseEndpointRef(positionals[0], process.cwd());
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const endpoint = await startEndpoint({ ...ref, port: parsePort(values.port), host: values.host, pollMs, log });
  process.stdout.write(`endpoint ${ref.resource}@${ref.environment} listening on ${endpoint.url}\n`);
  process.on('SIGHUP', () => void endpoint.refresh().catch((err: Error) => log(err.message)));
  await new Promise<void>((resolve) => {
    const stop = () => void endpoint.stop().then(resolve);
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}
