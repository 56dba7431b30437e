/**
 * HTTP gateways (`POST /http_gateway`, `POST /http_gateway/<id>/stop`,
 * `GET /http_gateway`): each serves the IC HTTP interface (src/http's
 * `IcHttpServer`: status, call, query, read_state, with the root key,
 * certificates and node-signed queries agents verify) of one instance's
 * default subnet on a port of its own — pic-js `makeLive()` turns auto
 * progress on, then starts one, and points agents at it. The served
 * subnet's rounds go through the instance (all its subnets tick, one
 * operation at a time); its clock is the instance's, which auto progress
 * keeps at the wall clock. src/http is imported when the first gateway
 * starts, not at server start-up.
 */
import { apiError, json } from './http-io.ts';
import type { Reply } from './http-io.ts';
import type { JsonValue } from './json.ts';
import type { PocketIcInstance } from './instance.ts';
import type { PocketSubnet } from './subnets.ts';
import type { HttpReplica, IcHttpServer } from '../http/index.ts';

interface Gateway { readonly id: number; readonly instanceId: number; readonly port: number; readonly server: IcHttpServer }

const isObj = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The subnet as the HTTP server sees it, its rounds run by the instance. */
function servedReplica(instance: PocketIcInstance, subnet: PocketSubnet): HttpReplica {
  const r = subnet.replica;
  return {
    get subnetId() { return r.subnetId; },
    get rootKey() { return r.rootKey; },
    get certifier() { return r.certifier; },
    get committedState() { return r.committedState; },
    get time() { return r.time; },
    get height() { return r.height; },
    get pooledIngress() { return r.pooledIngress; },
    ingressStatus: (id) => r.ingressStatus(id),
    filterIngress: (content, bytes, id, now) => r.filterIngress(content, bytes, id, now),
    poolIngress: (message) => r.poolIngress(message),
    hasWork: () => r.hasWork(),
    workArrived: (signal) => r.workArrived(signal),
    runQuery: (query) => r.runQuery(query),
    tick: () => instance.exclusive(() => instance.tick()),
  };
}

export class HttpGateways {
  readonly #instance: (id: number) => PocketIcInstance | undefined;
  readonly #gateways: Array<Gateway | undefined> = [];

  constructor(instance: (id: number) => PocketIcInstance | undefined) {
    this.#instance = instance;
  }

  /** `POST /http_gateway` with an `HttpGatewayConfig`: 201 `{"Created": {instance_id, port}}` or `{"Error": {message}}`. */
  async create(body: JsonValue | undefined): Promise<Reply> {
    const error = (message: string): Reply => json(400, { Error: { message } });
    const forward = isObj(body) ? body['forward_to'] : undefined;
    const target = isObj(forward) ? forward['PocketIcInstance'] : undefined;
    if (typeof target !== 'number') return error('forward_to: only {"PocketIcInstance": <id>} is supported by ic-exec');
    const instance = this.#instance(target);
    if (instance === undefined) return error(`Instance ${target} does not exist or was deleted`);
    if (isObj(body) && body['https_config'] !== undefined && body['https_config'] !== null) return error('https_config is not supported by ic-exec');
    const port = isObj(body) && typeof body['port'] === 'number' ? body['port'] : 0;
    const host = isObj(body) && typeof body['ip_addr'] === 'string' ? body['ip_addr'] : '127.0.0.1';
    const subnet = instance.defaultSubnet();
    if (subnet === undefined) return error(`Instance ${target} has no subnet`);
    const { IcHttpServer } = await import('../http/index.ts');
    let server: IcHttpServer;
    try {
      server = await IcHttpServer.start({
        replica: servedReplica(instance, subnet), node: subnet.node, clock: instance.clock, port, host,
        onError: (e) => process.stdout.write(`http gateway of instance ${target}: ${String((e as Error)?.stack ?? e)}\n`),
      });
    } catch (e) {
      return error(`Failed to bind to address ${host}:${port}: ${(e as Error).message}`);
    }
    const id = this.#gateways.length;
    this.#gateways.push({ id, instanceId: target, port: server.port, server });
    return json(201, { Created: { instance_id: id, port: server.port } });
  }

  list(): unknown[] {
    return this.#gateways.filter((g) => g !== undefined).map((g) => ({
      instance_id: g.id, port: g.port, forward_to: { PocketIcInstance: g.instanceId }, domains: null, https_config: null,
    }));
  }

  /** `POST /http_gateway/<id>/stop`. */
  async stop(id: number): Promise<Reply> {
    const g = this.#gateways[id];
    if (g === undefined) return apiError(404, `HTTP gateway ${id} not found`);
    this.#gateways[id] = undefined;
    await g.server.close();
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
