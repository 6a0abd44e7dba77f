import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineOptionsForExecutor } from 'nx/src/utils/params';

// A mistyped option (`--dryrun` for `--dryRun`) must stop the task before it runs: ignored, it
// turns a dry run into a real release. Nx refuses options a schema does not declare only when the
// schema says `additionalProperties: false`.
const executors: Record<string, { schema: string }> = JSON.parse(readFileSync(join(__dirname, '../../executors.json'), 'utf8')).executors;
const schemaOf = (name: string) => JSON.parse(readFileSync(join(__dirname, name, 'schema.json'), 'utf8'));
const combine = (schema: unknown, overrides: Record<string, unknown>) =>
  combineOptionsForExecutor(overrides as never, '', { options: {} }, schema as never, 'ham', '');

describe.each(Object.keys(executors))('the %s executor', (name) => {
  const schema = schemaOf(name);
  // A value for every declared option, so that required ones are there.
  const declared = Object.fromEntries(
    Object.entries(schema.properties as Record<string, { type: string; enum?: unknown[] }>).map(([key, property]) => [key, property.enum?.[0] ?? sampleOf(property.type)]),
  );

  it('accepts every option its schema declares', () => {
    expect(combine(schema, declared)).toMatchObject(declared);
  });

  it('refuses an option its schema does not declare, naming it', () => {
    expect(() => combine(schema, { ...declared, dryrun: true })).toThrow("'dryrun' is not found in schema");
  });
});

function sampleOf(type: string): unknown {
  if (type === 'boolean') return true;
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'array') return [];
  return 'x';
}
