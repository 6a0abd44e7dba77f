import { combineOptionsForExecutor } from 'nx/src/utils/params';
import describeSchema from './describe/schema.json';
import promoteSchema from './promote/schema.json';

// Nx 23 answers a plain `--version` with its own version, so the targets that take a version
// also take it as their first positional argument: `nx run ham:describe v1.1.0`.
describe('the version as a positional argument', () => {
  const combine = (schema: unknown, overrides: Record<string, unknown>) =>
    combineOptionsForExecutor(overrides as never, '', { options: {} }, schema as never, 'ham', '');

  it('describe: nx run ham:describe v1.1.0, default latest', () => {
    expect(combine(describeSchema, { _: ['v1.1.0'] })).toMatchObject({ version: 'v1.1.0' });
    expect(combine(describeSchema, {})).toMatchObject({ version: 'latest' });
    expect(combine(describeSchema, { version: 'v1.0.0' })).toMatchObject({ version: 'v1.0.0' });
  });

  it('promote: nx run ham:promote v1.1.0 --env production', () => {
    expect(combine(promoteSchema, { _: ['v1.1.0'], env: 'production' })).toMatchObject({ version: 'v1.1.0', env: 'production' });
    expect(() => combine(promoteSchema, { env: 'production' })).toThrow(/version/);
  });
});
