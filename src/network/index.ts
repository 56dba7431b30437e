// Public face of src/network: one subnet's wiring (`Subnet`), used by
// `Replica` and by `Network`.
export { Subnet } from './subnet.ts';
export type { SubnetOptions, CallPoll } from './subnet.ts';
