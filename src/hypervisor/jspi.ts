/**
 * JavaScript-Promise Integration (JSPI), on by default in Node 24 (V8 13.6)
 * but not yet in TypeScript's lib: typed access to `WebAssembly.Suspending`
 * (wraps an import that may return a promise; the Wasm stack suspends until
 * it settles) and `WebAssembly.promising` (wraps an export so that it runs on
 * its own stack and returns a promise). A `Suspending` import called from a
 * plain (non-promising) export may throw, but must not return.
 */
type AnyFunction = (...args: never[]) => unknown;

interface Jspi {
  Suspending: new (f: AnyFunction) => object;
  promising(f: AnyFunction): (...args: unknown[]) => Promise<unknown>;
}

const jspi = WebAssembly as unknown as Jspi;

/** `new WebAssembly.Suspending(f)`: an import that may suspend the calling Wasm stack. */
export function suspending(f: AnyFunction): WebAssembly.ImportValue {
  return new jspi.Suspending(f) as WebAssembly.ImportValue;
}

/** `WebAssembly.promising(f)`: an export run on a suspendable stack, returning a promise. */
export function promising(f: AnyFunction): (...args: unknown[]) => Promise<unknown> {
  return jspi.promising(f);
}
