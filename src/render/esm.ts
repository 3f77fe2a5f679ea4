/**
 * Native ES-module import from this CommonJS build.
 *
 * spessasynth_core is ESM-only. tsc (module commonjs) rewrites `await import('x')` into `require('x')`, which
 * fails for an ES module, so the import is built with `new Function` and survives compilation as a real `import()`.
 * Jest (ts-jest, CommonJS vm contexts) cannot run a native import() without --experimental-vm-modules, and we do not
 * switch that on for the whole suite; the render tests instead run the renderer in a child Node process
 * (test/render/helpers.ts), where this loader works as in production.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('s', 'return import(s)') as (specifier: string) => Promise<unknown>;

export function importEsm<T>(specifier: string): Promise<T> {
  return nativeImport(specifier) as Promise<T>;
}
