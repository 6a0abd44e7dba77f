// The TypeScript compiler that ts-morph carries, without ts-morph's own modules: parsing and
// printing need nothing else. It is the very copy ts-morph uses (`@ts-morph/common`, declared
// with ts-morph's own range), so printed types, and with them client hashes, are the same
// whichever of the two loaded it.
import { requireWithCodeCache } from './compiled-code-cache';

// ~9 MB of JavaScript: first loaded through V8's code cache, then the require below finds it loaded.
requireWithCodeCache(require.resolve('@ts-morph/common/dist/typescript.js'));

import ts = require('@ts-morph/common/dist/typescript.js');

export = ts;
