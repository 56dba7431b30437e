/**
 * Plain `node:http` plumbing of the server: reading a request body
 * (bounded), and writing JSON (bigints as bare digits), text, bytes or
 * nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringifyJson } from './json.ts';

/** The largest request body read (stable-memory blobs and base64 chunks fit). */
export const MAX_BODY_BYTES = 1024 * 1024 * 1024;

/** An answer to write. */
export type Reply =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string }
  | { readonly status: number; readonly bytes: Uint8Array; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly empty: true };

export const json = (status: number, value: unknown): Reply => ({ status, json: value });
export const apiError = (status: number, message: string): Reply => ({ status, json: { message } });

/** The whole body; `undefined` if it is larger than {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if ('json' in reply) {
    const body = Buffer.from(stringifyJson(reply.json));
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  } else if ('text' in reply) {
    const body = Buffer.from(reply.text);
    res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length }).end(body);
  } else if ('bytes' in reply) {
    res.writeHead(reply.status, { 'content-type': 'application/octet-stream', 'content-length': reply.bytes.length, ...reply.headers })
      .end(reply.bytes);
  } else {
    res.writeHead(reply.status, { 'content-length': 0 }).end();
  }
}
