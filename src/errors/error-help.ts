// Help text the replica appends to canister errors, and the number format it
// uses for cycles in messages.
//
// Source: `dfinity/ic` `rs/types/wasm_types/src/errors.rs` (`ErrorHelp`,
// `doc_ref`). The documentation link has moved over time:
//   2024 source:  http://internetcomputer.org/docs/current/references/execution-errors#…
//   2025 replica: https://internetcomputer.org/docs/current/references/execution-errors#…
//   2026 replica: https://docs.internetcomputer.org/references/execution-errors#…
// We use the newest (seen in 2026 replica reject messages, e.g.
// "…See documentation: https://docs.internetcomputer.org/references/execution-errors#method-not-found").

/** Base of the execution-errors documentation links (newest replica form). */
export const EXECUTION_ERRORS_DOC_URL = 'https://docs.internetcomputer.org/references/execution-errors';

/** The link to one section of the execution-errors documentation. */
export function docRef(anchor: string): string {
  return `${EXECUTION_ERRORS_DOC_URL}#${anchor}`;
}

/**
 * What help follows an error: a suggestion with a documentation anchor
 * (empty suggestion means no help), or a fixed text blaming the toolchain or
 * the IC itself.
 */
export type ErrorHelp =
  | { readonly kind: 'UserError'; readonly suggestion: string; readonly docAnchor: string }
  | { readonly kind: 'ToolchainError' }
  | { readonly kind: 'InternalError' };

/** No help text. */
export const NO_HELP: ErrorHelp = Object.freeze({ kind: 'UserError', suggestion: '', docAnchor: '' });

/** Builds user help: `suggestion` and the docs section `docAnchor`. */
export function userHelp(suggestion: string, docAnchor: string): ErrorHelp {
  return Object.freeze({ kind: 'UserError', suggestion, docAnchor });
}

/** Help blaming the compiler or CDK. */
export const TOOLCHAIN_HELP: ErrorHelp = Object.freeze({ kind: 'ToolchainError' });
/** Help blaming the IC. */
export const INTERNAL_HELP: ErrorHelp = Object.freeze({ kind: 'InternalError' });

/** The help text (the replica's `Display for ErrorHelp`); `''` when there is none. */
export function formatErrorHelp(help: ErrorHelp): string {
  switch (help.kind) {
    case 'UserError':
      if (help.suggestion === '') return '';
      return `${help.suggestion} See documentation: ${help.docAnchor === '' ? '' : docRef(help.docAnchor)}`;
    case 'ToolchainError':
      return 'This is likely an error with the compiler/CDK toolchain being used to build the canister. '
        + 'Please report the error to IC devs on the forum: https://forum.dfinity.org '
        + 'and include which language/CDK was used to create the canister.';
    case 'InternalError':
      return 'This is an internal error on the IC. Please report it to IC devs on the forum: https://forum.dfinity.org';
  }
}

/**
 * A cycles amount as the replica prints it in messages: digits grouped by
 * `_` (e.g. `1_596_133_048`), as seen in replica errors such as
 * "At least 1_596_133_048 additional cycles are required.".
 */
export function displayCycles(amount: bigint): string {
  const digits = amount < 0n ? (-amount).toString() : amount.toString();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) {
    groups.unshift(digits.slice(Math.max(0, end - 3), end));
  }
  return (amount < 0n ? '-' : '') + groups.join('_');
}
