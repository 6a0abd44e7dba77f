/**
 * A resource's public interface, normalized: what a generated client depends on, and what the
 * client hash is computed from. Type texts are printed canonically (no comments, canonical
 * layout and quotes), with referenced workspace types under their declared names (`Name$2` when
 * two declarations share a name) and types from npm packages as `import("pkg").Name`.
 *
 * In it: the exported class's type parameters, `extends` clause, public constructor signatures,
 * public instance and static methods (inherited ones from base classes in the workspace, too;
 * overloads as their signatures), parameter names, types and optionality, declared return types,
 * and the interfaces, type aliases, enums and classes (their public shape) those reference,
 * followed through relative imports, re-exports and tsconfig `paths`.
 * Not in it: comments, formatting, bodies, default values (only that a parameter is optional),
 * private/protected/`#` members, the class's properties and accessors, member order.
 * A missing annotation is recorded as `unknown`: never inferred, so a body cannot change it.
 * Parameter names are in it, because the generated client repeats them: renaming one changes the
 * hash; compatibility checks compare parameters by position.
 */
export interface InterfaceDescriptor {
  formatVersion: typeof INTERFACE_FORMAT;
  className: string;
  typeParameters: string[];
  extends: string | null;
  /** Public constructor signatures; [] when the constructor is not public, or comes from a base class outside the workspace. */
  constructors: ConstructorDescriptor[];
  /** Sorted by name; overloads of one name in declaration order. */
  methods: MethodDescriptor[];
  staticMethods: MethodDescriptor[];
  /** Sorted by name. */
  types: TypeDescriptor[];
  /** Present (true) when the class declares constructors, or inherits them from the workspace, and none is public: the server creates no instance. */
  noPublicConstructor?: true;
}

export const INTERFACE_FORMAT = 1;

export interface ParameterDescriptor {
  name: string;
  type: string;
  /** Declared with `?` or a default value. */
  optional: boolean;
  rest: boolean;
}

export interface ConstructorDescriptor {
  parameters: ParameterDescriptor[];
}

export interface MethodDescriptor {
  name: string;
  typeParameters: string[];
  parameters: ParameterDescriptor[];
  returnType: string;
}

export interface TypeDescriptor {
  name: string;
  kind: 'interface' | 'type' | 'enum' | 'class';
  /** The declaration without `export`, named `name`; for a class, its public shape. */
  text: string;
}
