/**
 * Threshold keys: `ecdsa_public_key`, `sign_with_ecdsa`, `schnorr_public_key`, `sign_with_schnorr`, `vetkd_public_key`, `vetkd_derive_key`.
 * (Being written.)
 */
import type { Handler } from './types.ts';

export const handlers: Readonly<Record<string, Handler>> = {};
