// SPEC §4 tag and version rules live in @modelos/runtime (generated clients resolve versions with them); the engine imports them from here.
export * from '@modelos/runtime/tags';
