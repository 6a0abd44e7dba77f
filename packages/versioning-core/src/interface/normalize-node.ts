import ts = require('../typescript');
import { REF } from './file-summary';

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * The node printed canonically: comments dropped, layout and string quotes the printer's,
 * whitespace collapsed, binding defaults dropped, and every reference to a named type marked
 * (REF name REF) unless it names a type parameter in scope.
 */
export function printNormalized(node: ts.Node, sourceFile: ts.SourceFile, typeParameters = NO_NAMES): string {
  const text = printer.printNode(ts.EmitHint.Unspecified, normalize(node, typeParameters), sourceFile);
  // Strings keep their inner whitespace: "a  b" and "a b" are different literal types.
  return text.replace(/"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|\s+/g, (part) => (/^\s/.test(part) ? ' ' : part)).trim();
}

/** Type parameter names the node declares, added to those already in scope. */
export function withTypeParameters(node: ts.Node, scope: ReadonlySet<string>): ReadonlySet<string> {
  const names: string[] = [];
  const declared = (node as { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }).typeParameters;
  if (declared) names.push(...declared.map((parameter) => parameter.name.text));
  if (ts.isMappedTypeNode(node)) names.push(node.typeParameter.name.text);
  if (ts.isConditionalTypeNode(node)) collectInferred(node.extendsType, names);
  return names.length ? new Set([...scope, ...names]) : scope;
}

function collectInferred(node: ts.Node, names: string[]): void {
  if (ts.isInferTypeNode(node)) names.push(node.typeParameter.name.text);
  ts.forEachChild(node, (child) => collectInferred(child, names));
}

function normalize(node: ts.Node, scope: ReadonlySet<string>): ts.Node {
  const inner = withTypeParameters(node, scope);
  const visit = (child: ts.Node) => normalize(child, inner);
  const visitTypes = (types: ts.NodeArray<ts.TypeNode> | undefined) => types && ts.visitNodes(types, visit, ts.isTypeNode);
  if (ts.isTypeReferenceNode(node) && !inner.has(leftmost(node.typeName))) {
    return ts.factory.updateTypeReferenceNode(node, marked(node.typeName), visitTypes(node.typeArguments));
  }
  if (ts.isExpressionWithTypeArguments(node) && isEntityNameExpression(node.expression)) {
    return ts.factory.updateExpressionWithTypeArguments(node, marked(node.expression), visitTypes(node.typeArguments));
  }
  if (ts.isStringLiteral(node)) return ts.factory.createStringLiteral(node.text);
  if (ts.isBindingElement(node) && node.initializer) {
    return ts.factory.updateBindingElement(node, node.dotDotDotToken, node.propertyName, visit(node.name) as ts.BindingName, undefined);
  }
  return ts.visitEachChild(node, visit, undefined);
}

type Entity = ts.EntityName | ts.EntityNameExpression;

/** `a`, `a.b.c`: an expression that names something (the compiler's own check is internal). */
export function isEntityNameExpression(node: ts.Node): node is ts.EntityNameExpression {
  return ts.isIdentifier(node) || (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name) && isEntityNameExpression(node.expression));
}

export function entityText(entity: Entity): string {
  if (ts.isIdentifier(entity)) return entity.text;
  if (ts.isQualifiedName(entity)) return `${entityText(entity.left)}.${entity.right.text}`;
  return `${entityText(entity.expression as Entity)}.${entity.name.text}`;
}

function leftmost(entity: Entity): string {
  return entityText(entity).split('.')[0];
}

function marked(entity: Entity): ts.Identifier {
  return ts.factory.createIdentifier(REF + entityText(entity) + REF);
}
