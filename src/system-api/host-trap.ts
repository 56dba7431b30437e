// `HostTrap`: how an `ic0` import stops the canister. It carries the
// `HypervisorError` as data; the hypervisor catches it where the Wasm call
// returns (the replica's `process_err` + `set_execution_error`) and rolls
// the execution back. Nothing else in the System API throws on purpose.
import type { HypervisorError, TrapCode } from '../errors/index.ts';

function describe(error: HypervisorError): string {
  switch (error.kind) {
    case 'ContractViolation':
    case 'ToolchainContractViolation':
    case 'CalledTrap':
    case 'MemoryAccessLimitExceeded':
      return `${error.kind}: ${error.message}`;
    case 'Trapped':
      return `Trapped: ${error.trapCode}`;
    default:
      return error.kind;
  }
}

/** Thrown by an `ic0` import to trap; `error` says why. */
export class HostTrap extends Error {
  /** Why the canister trapped. */
  readonly error: HypervisorError;

  /** @param error the replica's `HypervisorError` for this trap. */
  constructor(error: HypervisorError) {
    super(describe(error));
    this.name = 'HostTrap';
    this.error = error;
  }
}

/** A trap for a System API contract the compiler or CDK broke (`ToolchainContractViolation`). */
export function toolchainViolation(message: string): HostTrap {
  return new HostTrap({ kind: 'ToolchainContractViolation', message });
}

/** A trap for a contract the canister developer broke (`UserContractViolation`). */
export function userViolation(message: string, suggestion = '', docAnchor = ''): HostTrap {
  return new HostTrap({ kind: 'ContractViolation', message, suggestion, docAnchor });
}

/** A Wasm-style trap with one of the replica's trap codes. */
export function trapped(trapCode: TrapCode): HostTrap {
  return new HostTrap({ kind: 'Trapped', trapCode });
}
