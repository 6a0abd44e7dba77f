import ts = require('../typescript');
import {
  emptyRecord,
  own,
  SELF,
  UNKNOWN_TYPE,
  type ClassSummary,
  type ConstructorSummary,
  type DeclarationSummary,
  type FileSummary,
  type MethodSummary,
  type ParameterSummary,
  type PropertySummary,
} from './file-summary';
import { entityText, isEntityNameExpression, printNormalized as print, withTypeParameters } from './normalize-node';

export type SourceDialect = '.ts' | '.tsx' | '.d.ts';

/** Parses one file's text (syntax only: no program, no binder, no type checker) and keeps what interfaces are made of. */
export function summarizeSource(text: string, dialect: SourceDialect): FileSummary {
  const scriptKind = dialect === '.tsx' ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return summarizeFile(ts.createSourceFile(`/source${dialect}`, text, ts.ScriptTarget.Latest, true, scriptKind));
}

function summarizeFile(sourceFile: ts.SourceFile): FileSummary {
  const summary: FileSummary = {
    imports: emptyRecord(),
    exports: emptyRecord(),
    starExports: [],
    declarations: emptyRecord(),
  };
  recordImports(sourceFile, summary);
  recordExportStatements(sourceFile, summary);
  recordDeclarations(sourceFile, summary);
  return summary;
}

function recordImports(sourceFile: ts.SourceFile, summary: FileSummary): void {
  for (const decl of sourceFile.statements.filter(ts.isImportDeclaration)) {
    const module = (decl.moduleSpecifier as ts.StringLiteral).text;
    const clause = decl.importClause;
    if (clause?.name) summary.imports[clause.name.text] = { module, name: 'default' };
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) summary.imports[bindings.name.text] = { module, name: '*' };
    if (bindings && ts.isNamedImports(bindings)) {
      for (const named of bindings.elements) summary.imports[named.name.text] = { module, name: (named.propertyName ?? named.name).text };
    }
  }
}

/** `export … from`, `export { … }`, `export default <name>`. */
function recordExportStatements(sourceFile: ts.SourceFile, summary: FileSummary): void {
  for (const decl of sourceFile.statements.filter(ts.isExportDeclaration)) {
    const module = decl.moduleSpecifier && (decl.moduleSpecifier as ts.StringLiteral).text;
    const clause = decl.exportClause;
    if (module !== undefined && clause && ts.isNamespaceExport(clause)) summary.exports[clause.name.text] = { module, name: '*' };
    else if (module !== undefined && !clause) summary.starExports.push(module);
    if (!clause || !ts.isNamedExports(clause)) continue;
    for (const named of clause.elements) {
      const name = (named.propertyName ?? named.name).text;
      summary.exports[named.name.text] = module === undefined ? { local: name } : { module, name };
    }
  }
  for (const assignment of sourceFile.statements.filter(ts.isExportAssignment)) {
    if (!assignment.isExportEquals && ts.isIdentifier(assignment.expression)) summary.exports.default = { local: assignment.expression.text };
  }
}

/** Interfaces, type aliases, enums and classes, under their names, and exported when they are. */
function recordDeclarations(sourceFile: ts.SourceFile, summary: FileSummary): void {
  const exports = localExports(sourceFile);
  const declare = (node: ts.DeclarationStatement & { name: ts.Identifier }, declaration: DeclarationSummary) => {
    const name = node.name.text;
    const isDefault = hasModifier(node, ts.SyntaxKind.DefaultKeyword) || exports.asDefault.has(name);
    if (hasModifier(node, ts.SyntaxKind.ExportKeyword) || exports.all || exports.names.has(name)) {
      summary.exports[isDefault ? 'default' : name] = { local: name };
    }
    const existing = own(summary.declarations, name);
    // Interfaces and enums merge across declarations; anything else keeps its first declaration.
    if (!existing) summary.declarations[name] = declaration;
    else if (existing.kind === declaration.kind && 'text' in existing && 'text' in declaration) {
      existing.text += ` ${declaration.text}`;
    }
  };
  const statements = sourceFile.statements;
  for (const node of statements.filter(ts.isInterfaceDeclaration)) {
    const printed = print(
      ts.factory.updateInterfaceDeclaration(node, undefined, self(), node.typeParameters, node.heritageClauses, node.members),
      sourceFile,
    );
    declare(node, { kind: 'interface', text: printed });
  }
  for (const node of statements.filter(ts.isTypeAliasDeclaration)) {
    const printed = print(ts.factory.updateTypeAliasDeclaration(node, undefined, self(), node.typeParameters, node.type), sourceFile);
    declare(node, { kind: 'type', text: printed });
  }
  for (const node of statements.filter(ts.isEnumDeclaration)) {
    const modifiers = node.modifiers?.filter((modifier) => modifier.kind === ts.SyntaxKind.ConstKeyword);
    declare(node, { kind: 'enum', text: print(ts.factory.updateEnumDeclaration(node, modifiers, self(), node.members), sourceFile) });
  }
  for (const node of statements.filter(ts.isClassDeclaration)) {
    if (node.name) declare(node as ts.ClassDeclaration & { name: ts.Identifier }, { kind: 'class', class: summarizeClass(node, sourceFile) });
  }
}



/**
 * Local names the module exports other than by an `export` modifier, as the binder sees them:
 * `export { a, b as c }`, `export default a`, `export = a`, and (`all`) every declaration of a
 * declaration file that is a module without export statements, where declarations are exported
 * implicitly. `asDefault`: the names exported as `default`.
 */
function localExports(sourceFile: ts.SourceFile): { names: Set<string>; asDefault: Set<string>; all: boolean } {
  const names = new Set<string>();
  const asDefault = new Set<string>();
  let exportStatements = false;
  for (const statement of sourceFile.statements) {
    if (ts.isExportAssignment(statement)) {
      exportStatements = true;
      if (!ts.isIdentifier(statement.expression)) continue;
      names.add(statement.expression.text);
      if (!statement.isExportEquals) asDefault.add(statement.expression.text);
    } else if (ts.isExportDeclaration(statement)) {
      exportStatements = true;
      if (statement.moduleSpecifier || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
      for (const named of statement.exportClause.elements) {
        const local = (named.propertyName ?? named.name).text;
        names.add(local);
        if (named.name.text === 'default') asDefault.add(local);
      }
    }
  }
  // Export statements make a module; a declaration file without them may still be one.
  const all = sourceFile.isDeclarationFile && !exportStatements && sourceFile.statements.some(isModuleSyntax);
  return { names, asDefault, all };
}

/** What makes a file a module rather than a script (the compiler's own check is internal). */
function isModuleSyntax(statement: ts.Statement): boolean {
  return (
    ts.isImportDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement) ||
    hasModifier(statement, ts.SyntaxKind.ExportKeyword)
  );
}

function self(): ts.Identifier {
  return ts.factory.createIdentifier(SELF);
}

function summarizeClass(node: ts.ClassDeclaration, sourceFile: ts.SourceFile): ClassSummary {
  const scope = withTypeParameters(node, new Set());
  const extendsClause = node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const members = withoutOverloadImplementations(node.members);
  const constructors = members.filter(ts.isConstructorDeclaration);
  const publicConstructors = constructors.filter(isPublic);
  return {
    typeParameters: (node.typeParameters ?? []).map((parameter) => print(parameter, sourceFile, scope)),
    base: extendsClause
      ? {
          text: print(extendsClause, sourceFile, scope),
          entity: isEntityNameExpression(extendsClause.expression) ? entityText(extendsClause.expression) : null,
        }
      : null,
    constructors: constructors.length
      ? publicConstructors.map((ctor): ConstructorSummary => ({ parameters: parameters(ctor, sourceFile, scope) }))
      : null,
    methods: members
      .filter(ts.isMethodDeclaration)
      .filter(isPublic)
      .map((method) => summarizeMethod(method, sourceFile, scope)),
    properties: [...parameterProperties(node, sourceFile, scope), ...properties(members, sourceFile, scope)],
  };
}

/** With overloads, callers see the overload signatures only, not the implementation's. */
function withoutOverloadImplementations(members: readonly ts.ClassElement[]): ts.ClassElement[] {
  const overloaded = new Set<string>();
  for (const member of members) {
    if ((ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) && !member.body) overloaded.add(memberKey(member));
  }
  return members.filter(
    (member) =>
      !((ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) && member.body && overloaded.has(memberKey(member))),
  );
}

function memberKey(member: ts.ClassElement): string {
  return `${isStatic(member) ? 'static ' : ''}${member.name ? memberName(member.name) : 'constructor'}`;
}

function summarizeMethod(method: ts.MethodDeclaration, sourceFile: ts.SourceFile, classScope: ReadonlySet<string>): MethodSummary {
  const scope = withTypeParameters(method, classScope);
  return {
    name: memberName(method.name),
    static: isStatic(method),
    typeParameters: (method.typeParameters ?? []).map((parameter) => print(parameter, sourceFile, scope)),
    parameters: parameters(method, sourceFile, scope),
    returnType: method.type ? print(method.type, sourceFile, scope) : UNKNOWN_TYPE,
  };
}

function parameters(decl: ts.SignatureDeclarationBase, sourceFile: ts.SourceFile, scope: ReadonlySet<string>): ParameterSummary[] {
  return decl.parameters
    .filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'))
    .map((parameter) => ({
      name: ts.isIdentifier(parameter.name) ? parameter.name.text : print(parameter.name, sourceFile, scope),
      type: parameter.type ? print(parameter.type, sourceFile, scope) : UNKNOWN_TYPE,
      optional: Boolean(parameter.questionToken || parameter.initializer),
      rest: Boolean(parameter.dotDotDotToken),
    }));
}

/** `constructor(public readonly size: number)` declares a public property too. */
function parameterProperties(node: ts.ClassDeclaration, sourceFile: ts.SourceFile, scope: ReadonlySet<string>): PropertySummary[] {
  const implementation = node.members.find((member) => ts.isConstructorDeclaration(member) && member.body) as
    | ts.ConstructorDeclaration
    | undefined;
  return (implementation?.parameters ?? [])
    .filter((parameter) => ts.isParameterPropertyDeclaration(parameter, implementation!) && isPublic(parameter))
    .map((parameter) => ({
      name: (parameter.name as ts.Identifier).text,
      static: false,
      optional: Boolean(parameter.questionToken),
      readonly: hasModifier(parameter, ts.SyntaxKind.ReadonlyKeyword),
      type: parameter.type ? print(parameter.type, sourceFile, scope) : UNKNOWN_TYPE,
    }));
}

/** Fields and accessors, an accessor pair as one property (readonly without a setter). */
function properties(members: readonly ts.ClassElement[], sourceFile: ts.SourceFile, scope: ReadonlySet<string>): PropertySummary[] {
  const byKey = new Map<string, PropertySummary>();
  for (const member of members.filter(isPublic)) {
    if (!ts.isPropertyDeclaration(member) && !ts.isAccessor(member)) continue;
    const summary = (type: ts.TypeNode | undefined, readonly: boolean, optional = false): PropertySummary => ({
      name: memberName(member.name),
      static: isStatic(member),
      optional,
      readonly,
      type: type ? print(type, sourceFile, scope) : UNKNOWN_TYPE,
    });
    const key = memberKey(member);
    if (ts.isPropertyDeclaration(member)) {
      byKey.set(key, summary(member.type, hasModifier(member, ts.SyntaxKind.ReadonlyKeyword), Boolean(member.questionToken)));
    } else if (ts.isGetAccessorDeclaration(member)) {
      const setter = byKey.get(key);
      byKey.set(key, summary(member.type ?? undefined, !setter, false));
    } else if (ts.isSetAccessorDeclaration(member)) {
      const getter = byKey.get(key);
      byKey.set(key, getter ? { ...getter, readonly: false } : summary(member.parameters[0]?.type, false));
    }
  }
  return [...byKey.values()];
}

function memberName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)
    ? name.text
    : print(name, name.getSourceFile());
}

function isPublic(member: ts.ClassElement | ts.ParameterDeclaration): boolean {
  if (member.name && ts.isPrivateIdentifier(member.name)) return false;
  return !hasModifier(member, ts.SyntaxKind.PrivateKeyword) && !hasModifier(member, ts.SyntaxKind.ProtectedKeyword);
}

function isStatic(member: ts.ClassElement): boolean {
  return hasModifier(member, ts.SyntaxKind.StaticKeyword);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}
