// Every module that needs ts-morph imports it from here, so that V8's code cache is on before the
// compiler loads: ts-morph carries TypeScript, ~9 MB of JavaScript that takes ~0.19 s to compile
// and run on each process start, ~0.13 s with compiled code from an earlier process.
import { cacheCompiledCode } from './compile-cache';

cacheCompiledCode();

export * from 'ts-morph';
