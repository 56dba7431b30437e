/**
 * Installs the cycles ledger and the cycles minting canister
 * (src/system-canisters) at their real ids on a fresh subnet: both created
 * in one round (provisional, with the specified id, controlled by the NNS
 * root's id), both installed in the next, as ingress like every other call.
 * On a recovered state that has them, each whose module is not the one
 * built from the current sources is upgraded (Motoko's enhanced orthogonal
 * persistence keeps balances and blocks); the others are left alone.
 */
import { UserErrorException } from '../errors/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import {
  CYCLES_LEDGER_ID, CYCLES_MINTING_CANISTER_ID, NNS_ROOT_ID, OPERATING_CYCLES, encodeCmcInit, encodeLedgerInit, encodeLedgerUpgrade, initialBalances,
  systemCanisterWasm,
} from '../system-canisters/index.ts';
import { moduleHash } from '../wasm/index.ts';
import { MANAGEMENT_CANISTER_ID } from '../types/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { encodeInstallCodeArgs, encodeProvisionalCreateArgs } from './ic00-candid.ts';
import type { CallResult } from './replica.ts';

/** Options of the system canisters (`ReplicaOptions.systemCanisters`). */
export interface SystemCanistersOptions {
  /** Principals that start with 1,000 T cycles on the ledger (besides the anonymous principal's 10⁹ T). */
  readonly fund?: readonly PrincipalId[];
  /**
   * Return from `Replica.create` at once and install in the next rounds
   * (`replica.systemCanistersReady` settles when done): `npm start` serves
   * while they install. Default false.
   */
  readonly deferred?: boolean;
}

/** What the installer needs of a replica. */
export interface SystemCanisterHost {
  readonly subnetId: SubnetId;
  readonly committedState: ReplicatedState;
  submitCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts?: { sender?: PrincipalId }): Promise<Uint8Array>;
  awaitCall(messageId: Uint8Array): Promise<CallResult>;
}

/** Starts loading (compiling on first use) both modules. */
export function loadSystemCanisterWasms(): Promise<readonly [Uint8Array, Uint8Array]> {
  return Promise.all([systemCanisterWasm('cycles-ledger'), systemCanisterWasm('cmc')]);
}

async function all(host: SystemCanisterHost, calls: readonly Promise<Uint8Array>[]): Promise<void> {
  const ids = await Promise.all(calls);
  for (const id of ids) {
    const r = await host.awaitCall(id);
    if (r.kind === 'rejected') throw new UserErrorException(r.error);
  }
}

/**
 * Creates both canisters unless the ledger exists, then installs each that
 * has no module (a start stopped between the two rounds leaves them empty)
 * and upgrades each whose module is not the current build.
 * @returns whether it created, installed or upgraded anything. @throws {UserErrorException} if a step is rejected.
 */
export async function installSystemCanisters(
  host: SystemCanisterHost, wasms: Promise<readonly [Uint8Array, Uint8Array]>, opts: SystemCanistersOptions,
): Promise<boolean> {
  const [ledger, cmc] = await wasms;
  const balances = initialBalances(opts.fund ?? []);
  let created = false;
  if (host.committedState.canister(CYCLES_LEDGER_ID) === undefined) {
    // A state made before the subnet routed the ledger's range (a data directory from an older ic-exec) cannot host it.
    const routed = host.committedState.metadata.networkTopology.route(CYCLES_LEDGER_ID);
    if (routed === undefined || !routed.equals(host.subnetId)) {
      throw new Error(`this state's subnet does not host ${CYCLES_LEDGER_ID.toText()} (it was made without the system canisters); start on a new data directory to have them`);
    }
    const supply = balances.reduce((s, [, n]) => s + n, 0n);
    const create = (id: CanisterId, amount: bigint): Promise<Uint8Array> => host.submitCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles',
      encodeProvisionalCreateArgs({ amount, settings: { controllers: [NNS_ROOT_ID] }, specifiedId: id }));
    await all(host, [create(CYCLES_LEDGER_ID, supply + OPERATING_CYCLES), create(CYCLES_MINTING_CANISTER_ID, OPERATING_CYCLES)]);
    created = true;
  }
  /** install_code for `id` if it has no module or another one, with `init` or `upgrade` as its argument. */
  const step = (id: CanisterId, wasmModule: Uint8Array, init: Uint8Array, upgrade: Uint8Array): Promise<Uint8Array> | undefined => {
    const installed = host.committedState.canister(id)?.executionState?.compiled.hash;
    if (installed === moduleHash(wasmModule)) return undefined;
    return host.submitCall(MANAGEMENT_CANISTER_ID, 'install_code', encodeInstallCodeArgs(installed === undefined
      ? { mode: 'install', canisterId: id, wasmModule, arg: init }
      : { mode: { upgrade: { wasmMemoryPersistence: 'keep' } }, canisterId: id, wasmModule, arg: upgrade }), { sender: NNS_ROOT_ID });
  };
  const cmcArg = encodeCmcInit([host.subnetId]);
  const steps = [step(CYCLES_LEDGER_ID, ledger, encodeLedgerInit(balances), encodeLedgerUpgrade()), step(CYCLES_MINTING_CANISTER_ID, cmc, cmcArg, cmcArg)]
    .filter((p) => p !== undefined);
  await all(host, steps);
  return created || steps.length > 0;
}
