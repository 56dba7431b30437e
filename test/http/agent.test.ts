// The end-to-end flow with @dfinity/agent 3.x (sync calls on /api/v3,
// queries and read_state on /api/v2).
import * as agent from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { clientFlow } from './flow.ts';
import type { ClientKit } from './flow.ts';

const poll = (a: unknown, canisterId: unknown, requestId: agent.RequestId) =>
  agent.pollForResponse(a as agent.Agent, canisterId as Principal, requestId);
const certificate = (bytes: Uint8Array, rootKey: Uint8Array, canisterId: unknown) =>
  agent.Certificate.create({ certificate: bytes, rootKey, canisterId: canisterId as Principal });

const endpoints = [
  'GET /api/v2/status', 'POST /api/v3/canister/<id>/call', 'POST /api/v2/canister/<id>/call', 'POST /api/v2/canister/<id>/query',
  'POST /api/v2/canister/<id>/read_state',
];

clientFlow({ name: '@dfinity/agent 3', agent, IDL, Principal, poll, certificate, endpoints } as unknown as ClientKit);
