// Errors as values: every function of this folder answers a `Result`.

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(error: string): Result<T> {
  return { ok: false, error };
}

/** Thrown inside a parser or reader to unwind; caught at the public entry points only. */
export class CandidTextError extends Error {}

/** Runs `f`, turning a `CandidTextError` (or any other throw) into an error value. */
export function attempt<T>(f: () => T): Result<T> {
  try {
    return ok(f());
  } catch (e) {
    if (e instanceof CandidTextError) return err(e.message);
    if (e instanceof RangeError && /call stack/i.test(e.message)) return err('Candid value nested too deeply');
    return err(e instanceof Error ? e.message : String(e));
  }
}
