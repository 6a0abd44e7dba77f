import { Project, ts, type SourceFile } from 'ts-morph';
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

/** Syntax only: no lib files, no dependency resolution, never a type check. */
let project: Project | undefined;

export type SourceDialect = '.ts' | '.tsx' | '.d.ts';

/** Parses one file's text and keeps what interfaces are made of. */
export function summarizeSource(text: string, dialect: SourceDialect): FileSummary {
  project ??= new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    skipFileDependencyResolution: true,
    compilerOptions: { noLib: true },
  });
  const sourceFile = project.createSourceFile(`/source${dialect}`, text, { overwrite: true });
  try {
    return summarizeFile(sourceFile);
  } finally {
    project.removeSourceFile(sourceFile);
  }
}

function summarizeFile(file: SourceFile): FileSummary {
  const summary: FileSummary = {
    imports: emptyRecord(),
    exports: emptyRecord(),
    starExports: [],
    declarations: emptyRecord(),
  };
  for (const decl of file.getImportDeclarations()) {
    const module = decl.getModuleSpecifierValue();
    const defaultImport = decl.getDefaultImport();
    if (defaultImport) summary.imports[defaultImport.getText()] = { module, name: 'default' };
    const namespaceImport = decl.getNamespaceImport();
    if (namespaceImport) summary.imports[namespaceImport.getText()] = { module, name: '*' };
    for (const named of decl.getNamedImports()) {
      summary.imports[(named.getAliasNode() ?? named.getNameNode()).getText()] = { module, name: named.getName() };
    }
  }
  for (const decl of file.getExportDeclarations()) {
    const module = decl.getModuleSpecifierValue();
    const namespaceExport = decl.getNamespaceExport();
    if (module !== undefined && namespaceExport) summary.exports[namespaceExport.getName()] = { module, name: '*' };
    else if (module !== undefined && decl.isNamespaceExport()) summary.starExports.push(module);
    for (const named of decl.getNamedExports()) {
      const exported = named.getAliasNode()?.getText().replace(/^["']|["']$/g, '') ?? named.getName();
      summary.exports[exported] = module === undefined ? { local: named.getName() } : { module, name: named.getName() };
    }
  }
  for (const assignment of file.getExportAssignments()) {
    const expression = assignment.getExpression().compilerNode;
    if (!assignment.isExportEquals() && ts.isIdentifier(expression)) summary.exports.default = { local: expression.text };
  }
  const sourceFile = file.compilerNode;
  const declare = (name: string, exported: boolean, isDefault: boolean, declaration: DeclarationSummary) => {
    if (exported) summary.exports[isDefault ? 'default' : name] = { local: name };
    const existing = own(summary.declarations, name);
    // Interfaces and enums merge across declarations; anything else keeps its first declaration.
    if (!existing) summary.declarations[name] = declaration;
    else if (existing.kind === declaration.kind && 'text' in existing && 'text' in declaration) {
      existing.text += ` ${declaration.text}`;
    }
  };
  for (const decl of file.getInterfaces()) {
    const node = decl.compilerNode;
    const text = print(
      ts.factory.updateInterfaceDeclaration(node, undefined, self(), node.typeParameters, node.heritageClauses, node.members),
      sourceFile,
    );
    declare(decl.getName(), decl.isExported(), decl.isDefaultExport(), { kind: 'interface', text });
  }
  for (const decl of file.getTypeAliases()) {
    const node = decl.compilerNode;
    const text = print(ts.factory.updateTypeAliasDeclaration(node, undefined, self(), node.typeParameters, node.type), sourceFile);
    declare(decl.getName(), decl.isExported(), decl.isDefaultExport(), { kind: 'type', text });
  }
  for (const decl of file.getEnums()) {
    const node = decl.compilerNode;
    const modifiers = node.modifiers?.filter((modifier) => modifier.kind === ts.SyntaxKind.ConstKeyword);
    const text = print(ts.factory.updateEnumDeclaration(node, modifiers, self(), node.members), sourceFile);
    declare(decl.getName(), decl.isExported(), decl.isDefaultExport(), { kind: 'enum', text });
  }
  for (const decl of file.getClasses()) {
    const name = decl.getName();
    if (name) declare(name, decl.isExported(), decl.isDefaultExport(), { kind: 'class', class: summarizeClass(decl.compilerNode, sourceFile) });
  }
  return summary;
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
