// Public face of src/network: one subnet's wiring (`Subnet`, which
// `Replica` is made of), several subnets exchanging XNet streams
// (`Network`), and how slices travel (`XNetTransport`, the in-process
// transport, the XNet payload builder).
export { Subnet } from './subnet.ts';
export type { SubnetOptions, SubnetHooks, CallPoll } from './subnet-options.ts';
export { Network, NETWORK_START_TIME } from './network.ts';
export type { NetworkOptions, NetworkSubnetConfig } from './network.ts';
export { InProcessTransport, XNetPayloadBuilderImpl } from './xnet.ts';
export type { XNetTransport } from './xnet.ts';
