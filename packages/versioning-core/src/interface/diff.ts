import type { InterfaceDescriptor, MethodDescriptor, ParameterDescriptor } from './descriptor';
import { brief, change, relationChange, diffReferencedTypes, IN, OUT } from './diff-types';
import { byCodeUnits } from '../code-unit-order';

/** What a change asks of the next version: major breaks callers, minor only adds, none neither. */
export type InterfaceBump = 'major' | 'minor' | 'none';

export interface InterfaceChange {
  bump: InterfaceBump;
  /** e.g. `method-removed`, `parameter-added`, `property-type-changed`, `enum-member-removed`. */
  kind: string;
  /** e.g. `method bake`, `parameter temp of bake`, `enum Region member Us`, `property currency of Money`. */
  subject: string;
  /** One sentence, e.g. `removed method bake`. */
  detail: string;
}

export interface InterfaceDiff {
  /** The largest bump among the changes; `none` when there are none. */
  bump: InterfaceBump;
  /** Class, constructors, methods (by name), static methods, then referenced types (by name). */
  changes: InterfaceChange[];
}

/**
 * What changed for callers between two descriptors of one resource, and the bump it requires.
 * Breaking (major): a removed method, constructor or parameter, a new required parameter, a
 * retyped parameter or return type, a removed enum member or property, a retyped property.
 * Growing (minor): a new method or optional parameter, a parameter type that provably widened
 * (union members added, or now `unknown`), a return type that provably narrowed, the same for
 * the properties of referenced types by how they are used. Calls pass arguments by position, so
 * a renamed parameter is `none` (the generated client changes, its callers do not). When a change
 * cannot be shown to be safe by these syntactic rules, it is major.
 */
export function diffInterfaces(before: InterfaceDescriptor, after: InterfaceDescriptor): InterfaceDiff {
  if (before.formatVersion !== after.formatVersion) {
    return summarize([
      change('major', 'format-changed', 'interface', `the interface descriptor format changed (${before.formatVersion} → ${after.formatVersion}), so the interfaces cannot be compared`),
    ]);
  }
  const changes: InterfaceChange[] = [];
  const classLine = (d: InterfaceDescriptor) =>
    `class ${d.className}${d.typeParameters.length ? `<${d.typeParameters.join(', ')}>` : ''}${d.extends ? ` extends ${d.extends}` : ''}`;
  if (classLine(before) !== classLine(after)) {
    changes.push(change('major', 'class-changed', `class ${before.className}`, `changed \`${brief(classLine(before))}\` to \`${brief(classLine(after))}\``));
  }
  diffCallables(
    { subject: 'constructor', of: 'the constructor' },
    before.constructors.map((c) => ({ typeParameters: [], parameters: c.parameters, returnType: null })),
    after.constructors.map((c) => ({ typeParameters: [], parameters: c.parameters, returnType: null })),
    changes,
  );
  diffMethods(before.methods, after.methods, '', changes);
  diffMethods(before.staticMethods, after.staticMethods, 'static ', changes);
  changes.push(...diffReferencedTypes(before, after));
  return summarize(changes);
}

function summarize(changes: InterfaceChange[]): InterfaceDiff {
  const bump = changes.some((c) => c.bump === 'major') ? 'major' : changes.some((c) => c.bump === 'minor') ? 'minor' : 'none';
  return { bump, changes };
}

interface Signature {
  typeParameters: string[];
  parameters: ParameterDescriptor[];
  /** null for constructors. */
  returnType: string | null;
}

/** How a callable is named in changes: `method bake` / `static method fromJson` / `constructor`. */
interface Label {
  subject: string;
  /** For its parts: `parameter temp of bake`. */
  of: string;
}

function diffMethods(before: MethodDescriptor[], after: MethodDescriptor[], prefix: string, changes: InterfaceChange[]): void {
  const names = [...new Set([...before, ...after].map((m) => m.name))].sort(byCodeUnits);
  for (const name of names) {
    const label = { subject: `${prefix}method ${name}`, of: `${prefix}${name}` };
    diffCallables(label, before.filter((m) => m.name === name), after.filter((m) => m.name === name), changes);
  }
}

function diffCallables(label: Label, before: Signature[], after: Signature[], changes: InterfaceChange[]): void {
  if (before.length === 0 && after.length === 0) return;
  if (before.length === 0) changes.push(change('minor', `${kindOf(label)}-added`, label.subject, `added ${label.subject}`));
  else if (after.length === 0) changes.push(change('major', `${kindOf(label)}-removed`, label.subject, `removed ${label.subject}`));
  else if (before.length === 1 && after.length === 1) diffSignature(label, before[0], after[0], changes);
  else {
    // Overloads: a signature is kept, gone or new as a whole.
    const texts = (signatures: Signature[]) => signatures.map(signatureText);
    const [was, is] = [texts(before), texts(after)];
    for (const text of was.filter((t) => !is.includes(t))) {
      changes.push(change('major', 'overload-removed', label.subject, `removed the overload \`${brief(text)}\` of ${label.of}`));
    }
    for (const text of is.filter((t) => !was.includes(t))) {
      changes.push(change('minor', 'overload-added', label.subject, `added the overload \`${brief(text)}\` to ${label.of}`));
    }
  }
}

function kindOf(label: Label): string {
  return label.subject === 'constructor' ? 'constructor' : 'method';
}

/** Parameters compare by position: that is how a call passes them. */
function diffSignature(label: Label, before: Signature, after: Signature, changes: InterfaceChange[]): void {
  const [was, is] = [before.typeParameters.join(', '), after.typeParameters.join(', ')];
  if (was !== is) {
    changes.push(change('major', 'type-parameters-changed', label.subject, `changed the type parameters of ${label.of} from <${was}> to <${is}>`));
  }
  const count = Math.max(before.parameters.length, after.parameters.length);
  for (let i = 0; i < count; i++) {
    const b = before.parameters[i];
    const a = after.parameters[i];
    if (!a) {
      changes.push(change('major', 'parameter-removed', `parameter ${b.name} of ${label.of}`, `removed parameter ${b.name} of ${label.of}`));
    } else if (!b) {
      const optional = a.optional || a.rest;
      changes.push(
        change(optional ? 'minor' : 'major', 'parameter-added', `parameter ${a.name} of ${label.of}`, `added ${optional ? 'optional' : 'required'} parameter ${a.name} to ${label.of}`),
      );
    } else {
      diffParameter(label, b, a, changes);
    }
  }
  if (before.returnType !== null && after.returnType !== null) {
    const relation = relationChange('return-type', `return type of ${label.of}`, `the return type of ${label.of}`, OUT, before.returnType, after.returnType);
    if (relation) changes.push(relation);
  }
}

function diffParameter(label: Label, b: ParameterDescriptor, a: ParameterDescriptor, changes: InterfaceChange[]): void {
  const subject = `parameter ${b.name} of ${label.of}`;
  if (b.name !== a.name) {
    changes.push(change('none', 'parameter-renamed', subject, `renamed parameter ${b.name} of ${label.of} to ${a.name} (arguments pass by position)`));
  }
  if (b.rest !== a.rest) {
    changes.push(change('major', 'parameter-rest-changed', subject, `${a.rest ? 'made' : 'stopped'} parameter ${b.name} of ${label.of} ${a.rest ? 'a' : 'being a'} rest parameter`));
  }
  const typed = relationChange('parameter-type', subject, `the type of ${subject}`, IN, b.type, a.type);
  if (typed) changes.push(typed);
  if (b.optional !== a.optional && !a.rest) {
    changes.push(
      a.optional
        ? change('minor', 'parameter-optional', subject, `made ${subject} optional`)
        : change('major', 'parameter-required', subject, `made ${subject} required`),
    );
  }
}

function signatureText(signature: Signature): string {
  const typeParameters = signature.typeParameters.length ? `<${signature.typeParameters.join(', ')}>` : '';
  const parameters = signature.parameters.map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional && !p.rest ? '?' : ''}: ${p.type}`).join(', ');
  return `${typeParameters}(${parameters})${signature.returnType === null ? '' : `: ${signature.returnType}`}`;
}
