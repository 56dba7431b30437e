/**
 * What the server loads on its first instance request, not at start-up
 * (the replica and everything below it take ~100s of ms to import): the
 * instance, its subnets and the endpoint table.
 */
export { PocketIcInstance, POCKET_IC_START_TIME } from './instance.ts';
export type { OpResult } from './instance.ts';
export { INSTANCE_ROUTES } from './routes.ts';
export type { InstanceRoute, RouteContext } from './routes.ts';
export { planSubnets } from './topology.ts';
export { isObject, object, unsigned, U64_MAX } from './wire.ts';
