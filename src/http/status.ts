/**
 * `GET /api/v2/status` (http_interface.md §7): CBOR with the root key (the
 * one field agents read, by `fetchRootKey`), the health clients wait for,
 * and the certified height.
 */
import type { Answer } from './answer.ts';
import { cborAnswer } from './answer.ts';
import type { ServerContext } from './context.ts';

/** The implementation version reported in `impl_version`. */
export const IMPL_VERSION = 'ic-exec 0.1.0';

export function handleStatus(ctx: ServerContext): Answer {
  return cborAnswer(200, {
    root_key: ctx.rootKeyDer,
    impl_version: IMPL_VERSION,
    replica_health_status: 'healthy',
    certified_height: ctx.replica.height,
    ic_api_version: '0.18.0',
  });
}
