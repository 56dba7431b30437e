// Impossible states. One of the two places that may throw (DESIGN.md,
// aesthetics §6.3): `InternalBug` marks a broken invariant of ic-exec itself,
// never bad input from a user or a canister; those become `UserError`s.

/** Thrown when ic-exec reaches a state its own invariants rule out. */
export class InternalBug extends Error {
  override readonly name = 'InternalBug';

  /** @param message what invariant broke, for the log. */
  constructor(message: string) {
    super(`internal bug: ${message}`);
  }
}

/**
 * Marks the end of an exhaustive `switch`: the type checker proves it
 * unreachable, and at run time it throws.
 * @throws {InternalBug} always.
 * @example default: return assertNever(err);
 */
export function assertNever(value: never, what = 'value'): never {
  const shown = typeof value === 'object' && value !== null && 'kind' in value
    ? String((value as { kind: unknown }).kind)
    : String(value);
  throw new InternalBug(`unexpected ${what}: ${shown}`);
}
