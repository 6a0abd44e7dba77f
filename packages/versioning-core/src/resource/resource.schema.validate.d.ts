// Declares the standalone validator tools/compile-schemas.js generates from resource.schema.json.
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
