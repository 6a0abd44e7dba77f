/**
 * What one source file contributes to interfaces, as plain JSON: the unit cached by content
 * hash. Texts are normalized (no comments, canonical layout and quotes) and "marked": a
 * reference to a named type is REF + the name as written + REF, resolved later across files;
 * SELF stands for the declaration's own name.
 */
export const REF = '\u0001';
export const SELF = '\u0002';
/** Declared type of a parameter or method without an annotation: never inferred from bodies. */
export const UNKNOWN_TYPE = 'unknown';

export type MarkedText = string;

export interface ParameterSummary {
  /** The identifier, or the normalized binding pattern (defaults removed). */
  name: string;
  type: MarkedText;
  /** `?` or a default value: callers may leave it out. */
  optional: boolean;
  rest: boolean;
}

export interface ConstructorSummary {
  parameters: ParameterSummary[];
}

export interface MethodSummary {
  name: string;
  static: boolean;
  typeParameters: MarkedText[];
  parameters: ParameterSummary[];
  returnType: MarkedText;
}

export interface PropertySummary {
  name: string;
  static: boolean;
  optional: boolean;
  readonly: boolean;
  type: MarkedText;
}

/** Public surface of a class: private, protected and `#` members and all bodies are left out. */
export interface ClassSummary {
  typeParameters: MarkedText[];
  /** `extends` clause; `entity` is the base's name when it is a plain (qualified) name. */
  base: { text: MarkedText; entity: string | null } | null;
  /** null: none declared (implicit or inherited); []: declared, none public. Overload implementations left out. */
  constructors: ConstructorSummary[] | null;
  methods: MethodSummary[];
  properties: PropertySummary[];
}

export type DeclarationSummary =
  | { kind: 'interface' | 'type' | 'enum'; text: MarkedText }
  | { kind: 'class'; class: ClassSummary };

/** `name` is the imported name, `default`, or `*` for a namespace. */
export interface ModuleBinding {
  module: string;
  name: string;
}

export interface FileSummary {
  /** Local name → where it comes from. */
  imports: Record<string, ModuleBinding>;
  /** Exported name → a local name, or a re-export from another module. */
  exports: Record<string, { local: string } | ModuleBinding>;
  /** `export * from '…'`, in source order. */
  starExports: string[];
  /** Top-level interfaces, type aliases, enums and classes by name (interfaces and enums merged). */
  declarations: Record<string, DeclarationSummary>;
}

/** Records built from source names: never consult the prototype (`constructor`, `__proto__`). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
