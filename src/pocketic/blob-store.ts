/**
 * The server's blob store (`POST /blobstore`, `GET /blobstore/<id>`): blobs
 * by the hex SHA-256 of their bytes as uploaded, with their compression
 * (`Content-Encoding: gzip` on upload). `set_stable_memory` names a blob
 * by that id (base64 of the 32 bytes) and gets it decompressed.
 */

export interface Blob { readonly data: Uint8Array; readonly gzip: boolean }

export class BlobStore {
  readonly #blobs = new Map<string, Blob>();

  /** Stores `data`; @returns its id, lowercase hex. */
  put(data: Uint8Array, gzip: boolean): string {
    const id = process.getBuiltinModule('node:crypto').createHash('sha256').update(data).digest('hex');
    this.#blobs.set(id, { data, gzip });
    return id;
  }

  get(idHex: string): Blob | undefined {
    return this.#blobs.get(idHex.toLowerCase());
  }

  /**
   * The bytes of a blob, decompressed.
   * @returns the bytes, or an error message (unknown id, bad gzip).
   */
  contents(idHex: string): { ok: true; value: Uint8Array } | { ok: false; message: string } {
    const blob = this.get(idHex);
    if (blob === undefined) return { ok: false, message: `BlobNotFound(BlobId{${idHex}})` };
    if (!blob.gzip) return { ok: true, value: blob.data };
    try {
      return { ok: true, value: new Uint8Array(process.getBuiltinModule('node:zlib').gunzipSync(blob.data)) };
    } catch (e) {
      return { ok: false, message: `BlobId{${idHex}}: the gzip data cannot be decompressed: ${(e as Error).message}` };
    }
  }
}
