/**
 * The subnet key's public key kept between starts (`ReplicaOptions.keyCache`):
 * deriving it from the seed is ~20–150 ms of JavaScript on every `--ephemeral`
 * start (and on the first start of a data directory), and the key of a seed
 * never changes. One file per entry, `<dir>/<id>` (`id`: 64 hex digits,
 * hashed from the secret; the entry holds no secret and carries a check the
 * replica verifies, so a stale or damaged file is recomputed, never used).
 * Best effort: a read or write that fails is a miss.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReplicaOptions } from '../replica/index.ts';

/** The project's `.cache/subnet-keys` (next to Node's compile cache of `bin/ic-exec`). */
export const KEY_CACHE_DIR = fileURLToPath(new URL('../../.cache/subnet-keys', import.meta.url));

/** A key cache in files under `dir` (created on the first write). */
export function fileKeyCache(dir: string = KEY_CACHE_DIR): NonNullable<ReplicaOptions['keyCache']> {
  const file = (id: string): string | undefined => (/^[0-9a-f]{64}$/.test(id) ? join(dir, id) : undefined);
  return {
    get(id) {
      const path = file(id);
      try {
        return path === undefined ? undefined : new Uint8Array(readFileSync(path));
      } catch {
        return undefined;
      }
    },
    set(id, entry) {
      const path = file(id);
      if (path === undefined) return;
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, entry);
        renameSync(tmp, path);
      } catch {
        // a cache: the next start derives the key again
      }
    },
  };
}
