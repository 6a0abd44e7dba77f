import { UserError } from '../errors';
import {
  INTERFACE_FORMAT,
  type ConstructorDescriptor,
  type InterfaceDescriptor,
  type MethodDescriptor,
  type ParameterDescriptor,
  type TypeDescriptor,
} from './descriptor';
import {
  own,
  REF,
  SELF,
  type ClassSummary,
  type ConstructorSummary,
  type DeclarationSummary,
  type FileSummary,
  type MarkedText,
  type MethodSummary,
  type ModuleBinding,
  type ParameterSummary,
  type PropertySummary,
} from './file-summary';
import { ModuleResolver } from './module-resolution';
import type { SourceFiles } from './source-files';
import { fileSummary } from './summary-cache';
import { byCodeUnits } from '../code-unit-order';

export interface ExtractInterfaceInput {
  /** Absolute path of the file that exports the class. */
  entryFile: string;
  className: string;
  /** Where parsed files are cached by content hash, e.g. `<workspace>/.modelos/cache/interface`. */
  cacheDir?: string;
  /** Where sources are read; default: the disk. */
  files?: SourceFiles;
}

/** The normalized public interface of `className` as exported by `entryFile` (see InterfaceDescriptor). */
export function extractInterface(input: ExtractInterfaceInput): InterfaceDescriptor {
  return new InterfaceClosure(input.cacheDir, input.files).describe(input.entryFile, input.className);
}

type Declaration = { kind: 'declaration'; file: string; name: string; declaration: DeclarationSummary };
type Resolved = Declaration | { kind: 'module'; file: string } | { kind: 'external'; text: string };
type ClassDeclaration = Declaration & { declaration: { kind: 'class' } };

interface Located<T> {
  file: string;
  item: T;
}

const MARKED = new RegExp(`${REF}([^${REF}]*)${REF}`, 'g');

/** One extraction: resolves names across the files the interface reaches, and names its types. */
class InterfaceClosure {
  private readonly resolver: ModuleResolver;
  private readonly summaries = new Map<string, FileSummary | undefined>();
  /** Declaration (file + name) → the name it has in the descriptor. */
  private readonly names = new Map<string, string>();
  private readonly taken = new Set<string>();
  /** Declarations named so far, in order of discovery: the descriptor's types. */
  private readonly reached: (Declaration & { canonical: string })[] = [];

  constructor(
    private readonly cacheDir?: string,
    private readonly files?: SourceFiles,
  ) {
    this.resolver = new ModuleResolver(files);
  }

  describe(entryFile: string, className: string): InterfaceDescriptor {
    if (!this.summary(entryFile)) {
      throw new UserError(`cannot read ${entryFile}, the entry file of class "${className}": no such file`);
    }
    const target = this.resolveExport(entryFile, className, new Set());
    if (target?.kind !== 'declaration' || target.declaration.kind !== 'class') {
      throw new UserError(`class "${className}" is not exported by ${entryFile}: the resource's class must be an exported class of its entry file`);
    }
    const entry = target as ClassDeclaration;
    // The class itself keeps its name and is described by the fields below, not as a type.
    this.names.set(declarationKey(entry), className);
    this.taken.add(className);
    const cls = entry.declaration.class;
    const members = this.classMembers(entry, new Set());
    const methods = members.methods.sort((a, b) => byName(a.item, b.item));
    // Field order matters: it is the order in which referenced types get their names.
    const descriptor: Omit<InterfaceDescriptor, 'types'> = {
      formatVersion: INTERFACE_FORMAT,
      className,
      typeParameters: cls.typeParameters.map((text) => this.text(entry.file, text)),
      extends: cls.base && this.text(entry.file, cls.base.text),
      constructors: members.constructors.map((ctor) => this.constructorDescriptor(ctor)),
      methods: methods.filter(({ item }) => !item.static).map((method) => this.methodDescriptor(method)),
      staticMethods: methods.filter(({ item }) => item.static).map((method) => this.methodDescriptor(method)),
    };
    // Only when true: every other descriptor, and so its client hash, stays as it was.
    return { ...descriptor, types: this.types(), ...(members.constructorsHidden ? { noPublicConstructor: true as const } : {}) };
  }

  /** Own public methods plus those inherited from base classes in the workspace; constructors own or inherited. */
  private classMembers(
    target: ClassDeclaration,
    seen: Set<string>,
  ): { constructors: Located<ConstructorSummary>[]; constructorsHidden: boolean; methods: Located<MethodSummary>[] } {
    seen.add(declarationKey(target));
    const cls = target.declaration.class;
    const base = this.baseClass(target.file, cls);
    const inherited = base && !seen.has(declarationKey(base)) ? this.classMembers(base, seen) : undefined;
    const ownMethods = cls.methods.map((item) => ({ file: target.file, item }));
    const overridden = new Set(cls.methods.map(methodKey));
    let constructors: Located<ConstructorSummary>[];
    // Declared constructors none of which is public (own or inherited): nobody may construct the class.
    let constructorsHidden = false;
    if (cls.constructors) {
      constructors = cls.constructors.map((item) => ({ file: target.file, item }));
      constructorsHidden = constructors.length === 0;
    } else if (inherited) {
      ({ constructors, constructorsHidden } = inherited);
    }
    // No constructor and a base outside the workspace: its signature is unknown here.
    else constructors = cls.base ? [] : [{ file: target.file, item: { parameters: [] } }];
    return {
      constructors,
      constructorsHidden,
      methods: [...ownMethods, ...(inherited?.methods ?? []).filter(({ item }) => !overridden.has(methodKey(item)))],
    };
  }

  private baseClass(file: string, cls: ClassSummary): ClassDeclaration | undefined {
    const base = cls.base?.entity ? this.resolveEntity(file, cls.base.entity) : undefined;
    return base?.target?.kind === 'declaration' && base.target.declaration.kind === 'class' && base.rest.length === 0
      ? (base.target as ClassDeclaration)
      : undefined;
  }

  private constructorDescriptor({ file, item }: Located<ConstructorSummary>): ConstructorDescriptor {
    return { parameters: this.parameters(file, item.parameters) };
  }

  private methodDescriptor({ file, item }: Located<MethodSummary>): MethodDescriptor {
    return {
      name: item.name,
      typeParameters: item.typeParameters.map((text) => this.text(file, text)),
      parameters: this.parameters(file, item.parameters),
      returnType: this.text(file, item.returnType),
    };
  }

  private parameters(file: string, parameters: ParameterSummary[]): ParameterDescriptor[] {
    return parameters.map((parameter) => ({ ...parameter, type: this.text(file, parameter.type) }));
  }

  /** Every declaration reached, including those reached while describing others. */
  private types(): TypeDescriptor[] {
    const types: TypeDescriptor[] = [];
    for (let i = 0; i < this.reached.length; i++) {
      const { file, canonical, declaration } = this.reached[i];
      types.push(
        declaration.kind === 'class'
          ? { name: canonical, kind: 'class', text: this.classShape(file, canonical, declaration.class) }
          : { name: canonical, kind: declaration.kind, text: this.text(file, declaration.text, canonical) },
      );
    }
    return types.sort(byName);
  }

  /** A class used as a type: its public members, without bodies, in name order. */
  private classShape(file: string, name: string, cls: ClassSummary): string {
    const text = (marked: MarkedText) => this.text(file, marked);
    const members: (MethodSummary | PropertySummary)[] = [...cls.properties, ...cls.methods].sort(
      (a, b) => Number(b.static) - Number(a.static) || byName(a, b),
    );
    return [
      `class ${name}${typeParameterList(cls.typeParameters.map(text))}${cls.base ? ` extends ${text(cls.base.text)}` : ''} {`,
      ...(cls.constructors ?? []).map((ctor) => `constructor(${this.parameterList(file, ctor.parameters)});`),
      ...members.map((member) => {
        const prefix = member.static ? 'static ' : '';
        if ('returnType' in member) {
          const signature = `${typeParameterList(member.typeParameters.map(text))}(${this.parameterList(file, member.parameters)})`;
          return `${prefix}${member.name}${signature}: ${text(member.returnType)};`;
        }
        return `${prefix}${member.readonly ? 'readonly ' : ''}${member.name}${member.optional ? '?' : ''}: ${text(member.type)};`;
      }),
      '}',
    ].join(' ');
  }

  private parameterList(file: string, parameters: ParameterSummary[]): string {
    return this.parameters(file, parameters)
      .map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional && !p.rest ? '?' : ''}: ${p.type}`)
      .join(', ');
  }

  /** A marked text of `file` with every reference replaced by its descriptor name. */
  private text(file: string, marked: MarkedText, self?: string): string {
    const text = marked.replace(MARKED, (_, entity: string) => this.reference(file, entity));
    return self === undefined ? text : text.replaceAll(SELF, self);
  }

  private reference(file: string, entity: string): string {
    const { target, rest } = this.resolveEntity(file, entity);
    // Not declared in the workspace: a global (Promise, Record) or an ambient type, kept as written.
    if (!target || target.kind === 'module') return entity;
    return [target.kind === 'external' ? target.text : this.nameOf(target), ...rest].join('.');
  }

  /** `A.B.C`: A in file's scope, then through namespace imports; what is left is member access. */
  private resolveEntity(file: string, entity: string): { target?: Resolved; rest: string[] } {
    const [head, ...rest] = entity.split('.');
    let target = this.resolveLocal(file, head, new Set());
    while (target?.kind === 'module' && rest.length) target = this.resolveExport(target.file, rest.shift()!, new Set());
    return { target, rest };
  }

  private nameOf(target: Declaration): string {
    const key = declarationKey(target);
    let name = this.names.get(key);
    if (name === undefined) {
      name = target.name;
      for (let n = 2; this.taken.has(name); n++) name = `${target.name}$${n}`;
      this.names.set(key, name);
      this.taken.add(name);
      this.reached.push({ ...target, canonical: name });
    }
    return name;
  }

  private resolveLocal(file: string, name: string, seen: Set<string>): Resolved | undefined {
    const summary = this.summary(file);
    const declaration = summary && own(summary.declarations, name);
    if (declaration) return { kind: 'declaration', file, name, declaration };
    const binding = summary && own(summary.imports, name);
    return binding && this.resolveBinding(file, binding, seen);
  }

  private resolveExport(file: string, name: string, seen: Set<string>): Resolved | undefined {
    const key = `${file}\0${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const summary = this.summary(file);
    if (!summary) return undefined;
    const binding = own(summary.exports, name);
    if (binding) return 'local' in binding ? this.resolveLocal(file, binding.local, seen) : this.resolveBinding(file, binding, seen);
    if (name === 'default') return undefined;
    for (const module of summary.starExports) {
      const target = this.resolver.resolve(file, module);
      const found = target && this.resolveExport(target, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  /** An import or re-export: followed into workspace files, else named by its module specifier. */
  private resolveBinding(file: string, binding: ModuleBinding, seen: Set<string>): Resolved | undefined {
    const target = this.resolver.resolve(file, binding.module);
    if (!target || !this.summary(target)) {
      return { kind: 'external', text: `import(${JSON.stringify(binding.module)})${binding.name === '*' ? '' : `.${binding.name}`}` };
    }
    return binding.name === '*' ? { kind: 'module', file: target } : this.resolveExport(target, binding.name, seen);
  }

  private summary(file: string): FileSummary | undefined {
    if (!this.summaries.has(file)) this.summaries.set(file, fileSummary(file, this.cacheDir, this.files));
    return this.summaries.get(file);
  }
}

function declarationKey(target: Declaration): string {
  return `${target.file}\0${target.name}`;
}

function methodKey(method: MethodSummary): string {
  return `${method.static ? 'static ' : ''}${method.name}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return byCodeUnits(a.name, b.name);
}

function typeParameterList(typeParameters: string[]): string {
  return typeParameters.length ? `<${typeParameters.join(', ')}>` : '';
}
