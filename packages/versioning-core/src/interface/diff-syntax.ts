import ts = require('../typescript');
import { BOTH, type Polarity, type TypeRelation } from './diff-types';

/**
 * Reading the type texts of an InterfaceDescriptor back as TypeScript syntax, for the diff.
 * Loaded only when two texts differ: the compiler takes a while to load, and an unchanged
 * interface needs none of it.
 */

/**
 * Only what simple syntax proves, member by member of a union: a member is covered by the same
 * text, by its primitive (`"a"` by `string`, `1` by `number`, `true` by `boolean`), or by
 * `unknown`/`any`. `after` is wider when it covers every member of `before`, narrower when
 * `before` covers every member of `after`, the same when both (e.g. members reordered);
 * everything else is `different`.
 */
export function typeRelation(before: string, after: string): TypeRelation {
  if (before === after) return 'same';
  const b = unionMembers(before);
  const a = unionMembers(after);
  if (!b || !a) return 'different';
  const aCoversB = b.every((member) => covered(member, a));
  const bCoversA = a.every((member) => covered(member, b));
  if (aCoversB && bCoversA) return 'same';
  if (aCoversB) return 'wider';
  return bCoversA ? 'narrower' : 'different';
}

interface UnionMember {
  text: string;
  /** The primitive a literal type belongs to. */
  primitive?: 'string' | 'number' | 'bigint' | 'boolean';
}

const TOP = new Set(['unknown', 'any']);

function covered(member: UnionMember, by: UnionMember[]): boolean {
  return by.some(
    (other) =>
      other.text === member.text ||
      // `any` and `unknown` cover everything but each other: callers treat them differently.
      (TOP.has(other.text) && !TOP.has(member.text)) ||
      other.text === member.primitive,
  );
}

function unionMembers(text: string): UnionMember[] | undefined {
  const parsed = parseType(text);
  if (!parsed) return undefined;
  const members: UnionMember[] = [];
  const collect = (node: ts.TypeNode): void => {
    if (ts.isParenthesizedTypeNode(node)) collect(node.type);
    else if (ts.isUnionTypeNode(node)) node.types.forEach(collect);
    else members.push({ text: node.getText(parsed.file), primitive: primitiveOf(node) });
  };
  collect(parsed.type);
  return members;
}

function primitiveOf(node: ts.TypeNode): UnionMember['primitive'] {
  if (ts.isTemplateLiteralTypeNode(node)) return 'string';
  if (!ts.isLiteralTypeNode(node)) return undefined;
  const literal = node.literal;
  if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) return 'string';
  if (ts.isNumericLiteral(literal) || (ts.isPrefixUnaryExpression(literal) && ts.isNumericLiteral(literal.operand))) return 'number';
  if (ts.isBigIntLiteral(literal)) return 'bigint';
  return literal.kind === ts.SyntaxKind.TrueKeyword || literal.kind === ts.SyntaxKind.FalseKeyword ? 'boolean' : undefined;
}

/** A member of an object-like type; `type` is what is compared (for methods, their signatures). */
export interface MemberShape {
  kind: 'property' | 'method' | 'signature';
  /** How the member is named in output: `currency`, `static create`, `[key: string]: number`. */
  name: string;
  type: string;
  optional: boolean;
  readonly: boolean;
}

/** A referenced type's declaration, taken apart. `header` is compared as a whole and shown as is. */
export type DeclarationShape =
  | { kind: 'object'; header: string; members: Map<string, MemberShape> }
  | { kind: 'enum'; header: string; members: Map<string, string> }
  | { kind: 'alias'; header: string; type: string }
  | { kind: 'other' };

/** Interfaces, classes and type aliases of a type literal are objects; members keyed by (static) name. */
export function declarationShape(text: string): DeclarationShape {
  const file = parse(text);
  const node = file.statements.length === 1 ? file.statements[0] : undefined;
  const get = (n: ts.Node) => n.getText(file);
  if (node && ts.isInterfaceDeclaration(node)) {
    return { kind: 'object', header: header(file, node), members: objectMembers(file, node.members) };
  }
  if (node && ts.isClassDeclaration(node)) {
    return { kind: 'object', header: header(file, node), members: objectMembers(file, node.members) };
  }
  if (node && ts.isTypeAliasDeclaration(node)) {
    return ts.isTypeLiteralNode(node.type)
      ? { kind: 'object', header: header(file, node), members: objectMembers(file, node.type.members) }
      : { kind: 'alias', header: header(file, node), type: get(node.type) };
  }
  if (node && ts.isEnumDeclaration(node)) {
    return { kind: 'enum', header: header(file, node), members: enumValues(file, node) };
  }
  return { kind: 'other' };
}

/** Modifiers, type parameters and heritage: what the declaration says besides its members. */
function header(
  file: ts.SourceFile,
  node: ts.InterfaceDeclaration | ts.ClassDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration,
): string {
  const modifiers = (ts.getModifiers(node) ?? []).map((m) => `${m.getText(file)} `).join('');
  const typeParameters = 'typeParameters' in node && node.typeParameters ? `<${node.typeParameters.map((p) => p.getText(file)).join(', ')}>` : '';
  const heritage = 'heritageClauses' in node && node.heritageClauses ? ` ${node.heritageClauses.map((h) => h.getText(file)).join(' ')}` : '';
  // The keyword is left out: `interface Money { … }` and `type Money = { … }` are the same shape.
  return `${modifiers}${node.name?.getText(file) ?? ''}${typeParameters}${heritage}`;
}

function objectMembers(file: ts.SourceFile, members: ts.NodeArray<ts.TypeElement | ts.ClassElement>): Map<string, MemberShape> {
  const shapes = new Map<string, MemberShape>();
  for (const member of members) {
    if (ts.isSemicolonClassElement(member)) continue;
    const isStatic = ts.canHaveModifiers(member) && !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name ? `${isStatic ? 'static ' : ''}${member.name.getText(file)}` : undefined;
    const optional = 'questionToken' in member && !!member.questionToken;
    if (name !== undefined && (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member))) {
      const readonly = !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
      shapes.set(name, { kind: 'property', name, type: member.type ? member.type.getText(file) : 'unknown', optional, readonly });
    } else if (name !== undefined && ts.isFunctionLike(member)) {
      // Overloads of one name are one member: their signatures, in order.
      const known = shapes.get(name);
      const text = member.getText(file);
      shapes.set(name, { kind: 'method', name, type: known ? `${known.type} ${text}` : text, optional, readonly: false });
    } else {
      // Index, call and construct signatures (and anything unforeseen): known by their text.
      const text = member.getText(file);
      shapes.set(text, { kind: 'signature', name: text, type: text, optional: false, readonly: false });
    }
  }
  return shapes;
}

/** Member → its value; implicit values spelled out, so that a member inserted before them shows. */
function enumValues(file: ts.SourceFile, node: ts.EnumDeclaration): Map<string, string> {
  const values = new Map<string, string>();
  let previous: { name: string; value: string; number?: number } | undefined;
  for (const member of node.members) {
    const name = member.name.getText(file);
    let value: string;
    let number: number | undefined;
    if (member.initializer) {
      value = member.initializer.getText(file);
      number = numericValue(member.initializer);
    } else if (!previous) {
      value = '0';
      number = 0;
    } else if (previous.number !== undefined) {
      number = previous.number + 1;
      value = String(number);
    } else {
      value = `${previous.name} + 1`;
    }
    values.set(name, value);
    previous = { name, value, number };
  }
  return values;
}

function numericValue(node: ts.Expression): number | undefined {
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) {
    return -Number(node.operand.text);
  }
  return undefined;
}

/** Where a text sits in a descriptor: a type, a type parameter list, or a whole declaration. */
export type TextKind = 'type' | 'typeParameter' | 'declaration';

/**
 * The descriptor types (`names`) that `text` refers to, each with the polarity it is used in:
 * `base`, except inside function types, methods and type parameters, where a type may flow
 * either way (BOTH).
 */
export function typeReferences(text: string, kind: TextKind, base: Polarity, names: ReadonlySet<string>): Map<string, Polarity> {
  const file = parse(kind === 'type' ? `type __ = ${text};` : kind === 'typeParameter' ? `type __<${text}> = 0;` : text);
  const found = new Map<string, Polarity>();
  const add = (name: string, polarity: Polarity) => {
    if (names.has(name)) found.set(name, ((found.get(name) ?? 0) | polarity) as Polarity);
  };
  const visit = (node: ts.Node, polarity: Polarity): void => {
    const inner = ts.isFunctionLike(node) || ts.isTypeParameterDeclaration(node) ? BOTH : polarity;
    if (ts.isTypeReferenceNode(node)) add(leftmost(node.typeName), inner);
    else if (ts.isExpressionWithTypeArguments(node)) add(leftmost(node.expression), inner);
    else if (ts.isTypeQueryNode(node)) add(leftmost(node.exprName), inner);
    // Enum values may name members of other enums: `A = Other.X`.
    else if (ts.isEnumMember(node) && node.initializer) identifiersIn(node.initializer).forEach((name) => add(name, inner));
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(file, base);
  return found;
}

function identifiersIn(node: ts.Node): string[] {
  if (ts.isIdentifier(node)) return [node.text];
  const names: string[] = [];
  ts.forEachChild(node, (child) => void names.push(...identifiersIn(child)));
  return names;
}

function leftmost(entity: ts.Node): string {
  let node = entity;
  while (ts.isQualifiedName(node) || ts.isPropertyAccessExpression(node)) node = ts.isQualifiedName(node) ? node.left : node.expression;
  return ts.isIdentifier(node) ? node.text : '';
}

function parseType(text: string): { file: ts.SourceFile; type: ts.TypeNode } | undefined {
  const file = parse(`type __ = ${text};`);
  const node = file.statements.length === 1 ? file.statements[0] : undefined;
  return node && ts.isTypeAliasDeclaration(node) ? { file, type: node.type } : undefined;
}

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('descriptor.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}
