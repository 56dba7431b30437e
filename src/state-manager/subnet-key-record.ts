/**
 * The subnet's keys in the store's meta (`subnet-key`): created on the first
 * start, read on every later one, so a restarted replica signs with the same
 * BLS key (its random tape, certificates and root key stay the same) and
 * derives the same threshold keys.
 *
 *     'K' ‖ version 1 ‖ BlsKeyPair.serialize() (u32 length ‖ 145 bytes; 129 in records of version 1 of that format) ‖ seed present u8 ‖ [seed: u32 length ‖ UTF-8]
 *
 * The seed is the `Replica`'s `seed` option as given on the first start
 * (the threshold keys derive from it; absent = PocketIC's keys).
 */
import { BlsKeyPair } from '../crypto/index.ts';
import { ByteReader, ByteWriter, RecordFormatError } from './bytes.ts';

/** Meta entry of the subnet key. */
export const META_SUBNET_KEY = 'subnet-key';

const MAGIC = 0x4b; // 'K'
const VERSION = 1;

export interface SubnetKeyRecord {
  readonly key: BlsKeyPair;
  readonly seed: string | undefined;
}

export function encodeSubnetKey(r: SubnetKeyRecord): Uint8Array {
  const w = new ByteWriter().u8(MAGIC).u8(VERSION).bytes(r.key.serialize());
  if (r.seed === undefined) w.u8(0);
  else w.u8(1).str(r.seed);
  return w.finish();
}

export function decodeSubnetKey(bytes: Uint8Array): { readonly ok: true; readonly record: SubnetKeyRecord } | { readonly ok: false; readonly error: string } {
  try {
    const r = new ByteReader(bytes);
    if (r.u8() !== MAGIC) throw new RecordFormatError('not a subnet key record');
    const version = r.u8();
    if (version !== VERSION) throw new RecordFormatError(`format version ${version} (this build reads ${VERSION})`);
    const key = BlsKeyPair.deserialize(r.bytes(1024));
    const seed = r.u8() === 1 ? r.str(1 << 16) : undefined;
    r.end('subnet key record');
    return { ok: true, record: { key, seed } };
  } catch (e) {
    return { ok: false, error: `the stored subnet key is damaged: ${(e as Error).message}` };
  }
}
