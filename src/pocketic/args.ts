/**
 * The command line of `bin/pocket-ic`, as the real `pocket-ic-server`
 * takes it (`rs/pocket_ic_server/src/main.rs`): `--port-file P`,
 * `--ttl SECONDS` (default 60), `-p/--port N` (default 0: any free port),
 * `-i/--ip-addr A` (default 127.0.0.1), `--version`. The real server's
 * other flags (`--log-levels`, `--mainnet-routing-table`,
 * `--fetch-mainnet-routing-table`, `--mainnet-registry-version`,
 * `--hard-ttl`) are accepted and, except `--hard-ttl`, ignored; so are
 * unknown flags, with a warning on stdout.
 */

/** What the command line asks for. */
export interface ServerArgs {
  readonly version: boolean;
  readonly help: boolean;
  readonly portFile: string | undefined;
  /** Idle seconds before the server stops. */
  readonly ttlSeconds: number;
  /** Seconds after which the server stops even if busy (`--hard-ttl`). */
  readonly hardTtlSeconds: number | undefined;
  readonly port: number;
  readonly ipAddr: string;
  /** Flags that were not understood (reported, not fatal). */
  readonly ignored: readonly string[];
}

/** The real server's version this one answers to (`pocket-ic-server <semver>`; pic-js 0.23 installs 14.0.0). */
export const POCKET_IC_SERVER_VERSION = '14.0.0';

export const DEFAULT_TTL_SECONDS = 60;

/** Flags that take a value and are accepted without effect. */
const IGNORED_WITH_VALUE = new Set(['-l', '--log-levels', '--mainnet-registry-version', '--mainnet-routing-table']);
const IGNORED_ALONE = new Set(['--fetch-mainnet-routing-table']);

const u32 = (flag: string, v: string | undefined): number | string => {
  if (v === undefined || !/^\d+$/.test(v)) return `${flag} needs a non-negative integer, got ${v === undefined ? 'nothing' : `'${v}'`}`;
  const n = Number(v);
  return n <= 0xffff_ffff ? n : `${flag} is too large: ${v}`;
};

/**
 * Reads the command line (without `node` and the script).
 * @returns the arguments, or the message of the first malformed one.
 */
export function parseArgs(argv: readonly string[]): { ok: true; args: ServerArgs } | { ok: false; message: string } {
  let version = false, help = false, portFile: string | undefined, ttl = DEFAULT_TTL_SECONDS, hardTtl: number | undefined;
  let port = 0, ipAddr = '127.0.0.1';
  const ignored: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-V': case '--version': version = true; break;
      case '-h': case '--help': help = true; break;
      case '--port-file': {
        const v = value();
        if (v === undefined || v === '') return { ok: false, message: '--port-file needs a path' };
        portFile = v;
        break;
      }
      case '--ttl': case '--hard-ttl': {
        const n = u32(flag, value());
        if (typeof n === 'string') return { ok: false, message: n };
        if (flag === '--ttl') ttl = n; else hardTtl = n;
        break;
      }
      case '-p': case '--port': {
        const n = u32(flag, value());
        if (typeof n === 'string') return { ok: false, message: n };
        if (n > 65535) return { ok: false, message: `${flag} must be at most 65535, got ${n}` };
        port = n;
        break;
      }
      case '-i': case '--ip-addr': {
        const v = value();
        if (v === undefined || v === '') return { ok: false, message: `${flag} needs an address` };
        ipAddr = v;
        break;
      }
      default:
        if (IGNORED_WITH_VALUE.has(flag)) { if (inline === undefined) i++; }
        else if (!IGNORED_ALONE.has(flag)) ignored.push(raw);
    }
  }
  return { ok: true, args: { version, help, portFile, ttlSeconds: ttl, hardTtlSeconds: hardTtl, port, ipAddr, ignored } };
}

export const USAGE = `Usage: pocket-ic [--port-file PATH] [--ttl SECONDS] [--port N] [--ip-addr ADDR] [--version]

A PocketIC-compatible server backed by ic-exec (@dfinity/pic launches it unchanged:
POCKET_IC_BIN=<this file> or PocketIcServer.start({ binPath })).
  --port-file PATH  create PATH exclusively and write the port into it once listening
  --ttl SECONDS     stop after this long without requests (default ${DEFAULT_TTL_SECONDS})
  --hard-ttl SECS   stop after this long, busy or not
  -p, --port N      listen on N (default 0: a free port)
  -i, --ip-addr A   listen on A (default 127.0.0.1)
  -V, --version     print "pocket-ic-server ${POCKET_IC_SERVER_VERSION}"
`;
