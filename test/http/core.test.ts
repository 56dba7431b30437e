// The end-to-end flow with @icp-sdk/core 6 (sync calls on /api/v4,
// queries and read_state on /api/v3).
import * as agent from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { clientFlow } from './flow.ts';

clientFlow({
  name: '@icp-sdk/core 6', agent, IDL, Principal,
  poll: (a, canisterId, requestId) => agent.pollForResponse(a, { canisterId }, requestId),
  certificate: (certificate, rootKey, canisterId) => agent.Certificate.create({ certificate, rootKey, principal: { canisterId } }),
  endpoints: [
    'GET /api/v2/status', 'POST /api/v4/canister/<id>/call', 'POST /api/v2/canister/<id>/call', 'POST /api/v3/canister/<id>/query',
    'POST /api/v3/canister/<id>/read_state',
  ],
});
