import type { InterfaceDescriptor, TypeDescriptor } from './descriptor';
import type { InterfaceBump, InterfaceChange } from './diff';
import type { MemberShape } from './diff-syntax';
import { byCodeUnits } from '../code-unit-order';

/** How a type is used: sent by callers (IN), returned to them (OUT), or both. */
export type Polarity = 1 | 2 | 3;
export const IN: Polarity = 1;
export const OUT: Polarity = 2;
export const BOTH: Polarity = 3;

/** What `after` is, as a set of values, compared with `before`. */
export type TypeRelation = 'same' | 'wider' | 'narrower' | 'different';

/** The parser, loaded on the first text that differs (see diff-syntax). */
function syntax(): typeof import('./diff-syntax') {
  return require('./diff-syntax') as typeof import('./diff-syntax');
}

export function change(bump: InterfaceBump, kind: string, subject: string, detail: string): InterfaceChange {
  return { bump, kind, subject, detail };
}

/**
 * Wider is safe for what callers send, narrower for what they receive; anything else breaks
 * someone. A type used both ways (or inside a callback) has no safe direction.
 */
function relationBump(relation: TypeRelation, polarity: Polarity): InterfaceBump {
  if (relation === 'same') return 'none';
  if (relation === 'wider' && polarity === IN) return 'minor';
  return relation === 'narrower' && polarity === OUT ? 'minor' : 'major';
}

const RELATION_WORDS: Record<TypeRelation, { kind: string; verb: string }> = {
  same: { kind: 'reordered', verb: 'reordered' },
  wider: { kind: 'widened', verb: 'widened' },
  narrower: { kind: 'narrowed', verb: 'narrowed' },
  different: { kind: 'changed', verb: 'changed' },
};

/** A type text that changed, e.g. kind `parameter-type-widened`, detail `widened the type of … from A to A | B`; undefined when equal. */
export function relationChange(
  kindPrefix: string,
  subject: string,
  what: string,
  polarity: Polarity,
  before: string,
  after: string,
): InterfaceChange | undefined {
  if (before === after) return undefined;
  const relation = syntax().typeRelation(before, after);
  const words = RELATION_WORDS[relation];
  return change(relationBump(relation, polarity), `${kindPrefix}-${words.kind}`, subject, `${words.verb} ${what} from \`${brief(before)}\` to \`${brief(after)}\``);
}

/** Changes of the referenced types (interfaces, aliases, enums, classes), by name. */
export function diffReferencedTypes(before: InterfaceDescriptor, after: InterfaceDescriptor): InterfaceChange[] {
  const was = new Map(before.types.map((t) => [t.name, t]));
  const is = new Map(after.types.map((t) => [t.name, t]));
  const names = [...new Set([...was.keys(), ...is.keys()])].sort(byCodeUnits);
  const differs = (name: string) => was.get(name)?.text !== is.get(name)?.text || was.get(name)?.kind !== is.get(name)?.kind;
  if (!names.some(differs)) return [];
  const polarities = usage(before);
  for (const [name, polarity] of usage(after)) polarities.set(name, ((polarities.get(name) ?? 0) | polarity) as Polarity);

  const changes: InterfaceChange[] = [];
  for (const name of names.filter(differs)) {
    const b = was.get(name);
    const a = is.get(name);
    // A type comes or goes only with a change to a text that refers to it, which is reported there.
    if (!a) changes.push(change('none', 'type-removed', label(b!), `${label(b!)} is no longer part of the interface`));
    else if (!b) changes.push(change('none', 'type-added', label(a), `${label(a)} became part of the interface`));
    else changes.push(...diffDeclaration(b, a, polarities.get(name) ?? BOTH));
  }
  return changes;
}

/** Which way each referenced type flows: from parameters (IN), return types (OUT), on through the types that contain it. */
function usage(descriptor: InterfaceDescriptor): Map<string, Polarity> {
  const { typeReferences } = syntax();
  const names = new Set(descriptor.types.map((t) => t.name));
  const texts = new Map(descriptor.types.map((t) => [t.name, t.text]));
  const found = new Map<string, Polarity>();
  const grown: string[] = [];
  const reach = (text: string, kind: 'type' | 'typeParameter' | 'declaration', polarity: Polarity) => {
    for (const [name, p] of typeReferences(text, kind, polarity, names)) {
      const merged = ((found.get(name) ?? 0) | p) as Polarity;
      if (merged !== found.get(name)) {
        found.set(name, merged);
        grown.push(name);
      }
    }
  };
  descriptor.typeParameters.forEach((text) => reach(text, 'typeParameter', BOTH));
  if (descriptor.extends) reach(descriptor.extends, 'type', BOTH);
  for (const ctor of descriptor.constructors) ctor.parameters.forEach((p) => reach(p.type, 'type', IN));
  for (const method of [...descriptor.methods, ...descriptor.staticMethods]) {
    method.typeParameters.forEach((text) => reach(text, 'typeParameter', BOTH));
    method.parameters.forEach((p) => reach(p.type, 'type', IN));
    reach(method.returnType, 'type', OUT);
  }
  // A type's polarity only grows, at most twice per type: this ends.
  while (grown.length) {
    const name = grown.shift()!;
    reach(texts.get(name)!, 'declaration', found.get(name)!);
  }
  return found;
}

function diffDeclaration(before: TypeDescriptor, after: TypeDescriptor, polarity: Polarity): InterfaceChange[] {
  const { declarationShape } = syntax();
  const subject = label(before);
  const was = declarationShape(before.text);
  const is = declarationShape(after.text);
  if (was.kind === 'other' || was.kind !== is.kind) {
    return [change('major', 'type-changed', subject, `changed ${subject} to \`${brief(after.text)}\``)];
  }
  const changes: InterfaceChange[] = [];
  if (was.header !== is.header) {
    changes.push(change('major', 'type-declaration-changed', subject, `changed the declaration of ${subject} from \`${brief(was.header)}\` to \`${brief(is.header)}\``));
  }
  if (was.kind === 'alias' && is.kind === 'alias') {
    const typed = relationChange('type', subject, subject, polarity, was.type, is.type);
    if (typed) changes.push(typed);
  } else if (was.kind === 'enum' && is.kind === 'enum') {
    changes.push(...diffEnumMembers(before.name, was.members, is.members, polarity));
  } else if (was.kind === 'object' && is.kind === 'object') {
    changes.push(...diffMembers(before.name, was.members, is.members, polarity));
  }
  return changes;
}

function diffEnumMembers(name: string, was: Map<string, string>, is: Map<string, string>, polarity: Polarity): InterfaceChange[] {
  const changes: InterfaceChange[] = [];
  for (const member of [...new Set([...was.keys(), ...is.keys()])].sort(byCodeUnits)) {
    const b = was.get(member);
    const a = is.get(member);
    const subject = `enum ${name} member ${member}`;
    // Callers name members in code: a removed one breaks them whichever way the enum flows.
    if (a === undefined) changes.push(change('major', 'enum-member-removed', subject, `removed member ${member} of enum ${name}`));
    else if (b === undefined) {
      const bump = relationBump('wider', polarity);
      changes.push(change(bump, 'enum-member-added', subject, `added member ${member} to enum ${name}${bump === 'major' ? ' (callers may receive it)' : ''}`));
    } else if (a !== b) {
      changes.push(change('major', 'enum-member-value-changed', subject, `changed the value of member ${member} of enum ${name} from ${brief(b)} to ${brief(a)}`));
    }
  }
  return changes;
}

function diffMembers(name: string, was: Map<string, MemberShape>, is: Map<string, MemberShape>, polarity: Polarity): InterfaceChange[] {
  const changes: InterfaceChange[] = [];
  for (const key of [...new Set([...was.keys(), ...is.keys()])].sort(byCodeUnits)) {
    const b = was.get(key);
    const a = is.get(key);
    const member = (b ?? a)!;
    const subject = `${member.kind} ${member.name} of ${name}`;
    if (!a) {
      changes.push(change('major', `${member.kind}-removed`, subject, `removed ${subject}`));
    } else if (!b) {
      // A new required member asks more of callers who send the type, and nothing of those who receive it.
      const bump = a.optional ? 'minor' : relationBump('narrower', polarity);
      const required = bump === 'major' ? ' (callers must provide it)' : '';
      changes.push(change(bump, `${a.kind}-added`, subject, `added ${a.optional ? 'optional' : 'required'} ${a.kind} ${a.name} to ${name}${required}`));
    } else if (a.kind !== b.kind || (a.kind !== 'property' && a.type !== b.type)) {
      changes.push(change('major', `${b.kind}-changed`, subject, `changed ${subject} from \`${brief(b.type)}\` to \`${brief(a.type)}\``));
    } else {
      changes.push(...diffProperty(subject, b, a, polarity));
    }
  }
  return changes;
}

function diffProperty(subject: string, b: MemberShape, a: MemberShape, polarity: Polarity): InterfaceChange[] {
  const changes: InterfaceChange[] = [];
  const typed = relationChange('property-type', subject, `the type of ${subject}`, polarity, b.type, a.type);
  if (typed) changes.push(typed);
  if (b.optional !== a.optional) {
    changes.push(
      a.optional
        ? change(relationBump('wider', polarity), 'property-optional', subject, `made ${subject} optional`)
        : change(relationBump('narrower', polarity), 'property-required', subject, `made ${subject} required`),
    );
  }
  if (b.readonly !== a.readonly) {
    // Readonly stops callers from writing to what they receive; what they send is theirs.
    changes.push(
      a.readonly
        ? change(polarity === IN ? 'none' : 'major', 'property-readonly', subject, `made ${subject} readonly`)
        : change('none', 'property-writable', subject, `made ${subject} writable`),
    );
  }
  return changes;
}

function label(type: TypeDescriptor): string {
  return `${type.kind} ${type.name}`;
}

/** A type text short enough for one line of output. */
export function brief(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
