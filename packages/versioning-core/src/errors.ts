// UserError lives in @modelos/runtime, which generated clients share with the engine: one class, so `instanceof` holds across both.
export { UserError } from '@modelos/runtime/errors';
