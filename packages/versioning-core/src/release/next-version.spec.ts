import type { InterfaceChange, InterfaceDiff } from '../interface';
import { parseVersion } from '../tags';
import { nextVersion, type ContentState } from './next-version';

const before: ContentState = { clientHash: 'a'.repeat(64), closureCommit: '1'.repeat(40), dirtyHash: null };
const after: ContentState = { clientHash: 'b'.repeat(64), closureCommit: '2'.repeat(40), dirtyHash: null };

function removed(name: string): InterfaceChange {
  return { bump: 'major', kind: 'method-removed', subject: `method ${name}`, detail: `removed method ${name}` };
}

function next(interfaceDiff: InterfaceDiff | null, options = {}, current = after) {
  return nextVersion({ version: parseVersion('1.4.2'), state: before, interfaceDiff }, current, options);
}

describe('nextVersion', () => {
  it('names at most three of the changes that forced a major, and counts the rest', () => {
    const changes = ['a', 'b', 'c', 'd', 'e'].map(removed);
    expect(next({ bump: 'major', changes: [{ bump: 'minor', kind: 'method-added', subject: 'method z', detail: 'added method z' }, ...changes] })).toEqual({
      unchanged: false,
      version: parseVersion('2.0.0'),
      bump: 'major',
      reason: 'interface changed incompatibly since v1.4.2: removed method a; removed method b; removed method c; and 2 more',
    });
  });

  it('lets --forceMajor win over a diff it does not need', () => {
    expect(next(null, { forceMajor: true })).toMatchObject({ version: parseVersion('2.0.0'), reason: '--forceMajor' });
  });

  it('treats a diff without changes like any other closure change', () => {
    expect(next({ bump: 'none', changes: [] })).toMatchObject({ version: parseVersion('1.5.0'), bump: 'minor', reason: 'closure changed since v1.4.2 (server logic or model files)' });
    expect(next({ bump: 'none', changes: [] }, { patch: true })).toMatchObject({ version: parseVersion('1.4.3'), bump: 'patch' });
  });

  it('ignores the diff when the client hash is the same', () => {
    const sameInterface = { ...after, clientHash: before.clientHash };
    expect(next({ bump: 'major', changes: [removed('a')] }, {}, sameInterface)).toMatchObject({ bump: 'minor', reason: expect.stringContaining('closure changed') });
  });
});
