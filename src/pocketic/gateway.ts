/**
 * HTTP gateways (`POST /http_gateway`, `POST /http_gateway/<id>/stop`):
 * each serves the IC HTTP interface of one instance on its own port, for
 * agents in live mode (pic-js `makeLive()`: auto progress, then a gateway).
 */
import { apiError, json } from './http-io.ts';
import type { Reply } from './http-io.ts';
import type { JsonValue } from './json.ts';
import type { PocketIcInstance } from './instance.ts';

interface Gateway { readonly id: number; readonly instanceId: number; readonly port: number; stop(): Promise<void> }

export class HttpGateways {
  readonly #instance: (id: number) => PocketIcInstance | undefined;
  readonly #gateways: Array<Gateway | undefined> = [];

  constructor(instance: (id: number) => PocketIcInstance | undefined) {
    this.#instance = instance;
  }

  /** `POST /http_gateway` with an `HttpGatewayConfig`. */
  async create(body: JsonValue | undefined): Promise<Reply> {
    const error = (message: string): Reply => json(400, { Error: { message } });
    const forward = typeof body === 'object' && body !== null && !Array.isArray(body) ? body['forward_to'] : undefined;
    const target = typeof forward === 'object' && forward !== null && !Array.isArray(forward) ? forward['PocketIcInstance'] : undefined;
    if (typeof target !== 'number') return error('forward_to: only {"PocketIcInstance": <id>} is supported by ic-exec');
    if (this.#instance(target) === undefined) return error(`Instance ${target} does not exist or was deleted`);
    return error('the HTTP gateway needs the IC HTTP interface server (src/http), which this build does not have yet');
  }

  list(): unknown[] {
    return this.#gateways.filter((g) => g !== undefined).map((g) => ({ instance_id: g.id, port: g.port, forward_to: { PocketIcInstance: g.instanceId } }));
  }

  /** `POST /http_gateway/<id>/stop`. */
  async stop(id: number): Promise<Reply> {
    const g = this.#gateways[id];
    if (g === undefined) return apiError(404, `HTTP gateway ${id} not found`);
    this.#gateways[id] = undefined;
    await g.stop();
    return json(200, null);
  }

  /** Stops the gateways of instance `instanceId`. */
  async stopFor(instanceId: number): Promise<void> {
    for (const g of this.#gateways) if (g?.instanceId === instanceId) await this.stop(g.id);
  }

  async stopAll(): Promise<void> {
    for (const g of this.#gateways) if (g !== undefined) await this.stop(g.id);
  }
}
