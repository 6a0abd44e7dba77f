export { packResource, type PackInput, type PackResult } from './pack-resource';
export { packDir } from './pack-document';
