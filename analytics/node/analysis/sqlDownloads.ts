import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bounds on the files `sql.export` leaves for download (config `sql.export*`). */
export interface DownloadLimits {
  /** Files kept (and being written) at once; one more export is refused `busy`. */
  maxFiles: number;
  /** Bytes on disk of every kept file together, the one being written included (it is interrupted past its share). */
  maxBytes: number;
  /** A file not downloaded within this long is deleted. */
  ttlMs: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { maxFiles: 8, maxBytes: 2 * 1024 ** 3, ttlMs: 10 * 60_000 };

/** A file ready for one download. */
export interface Download {
  id: string;
  path: string;
  fileName: string;
  contentType: string;
  bytes: number;
  /** Only the device that exported it may fetch it. */
  device: string;
  expiresAtMs: number;
}

/** A download slot reserved while the export writes its file. */
export interface DownloadSlot {
  id: string;
  path: string;
  /** The bytes this file may take (what the other files left of `maxBytes`). */
  budget: number;
}

/**
 * The folder of exported query results waiting to be downloaded (`GET /api/download/<id>`): each
 * once, by the device that exported it, within `ttlMs`; at most `maxFiles` files and `maxBytes`
 * bytes on disk. The folder is private to this process (mode 700 under the system's temporary
 * folder) and removed at close.
 */
export class SqlDownloads {
  readonly dir: string;
  private readonly ready = new Map<string, Download>();
  private readonly writing = new Map<string, DownloadSlot>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS, parent: string = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'cityops-sql-'));
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Reserves a file for an export, or null when the count or the bytes are used up. */
  reserve(ext: 'parquet' | 'csv'): DownloadSlot | null {
    this.sweep();
    if (this.ready.size + this.writing.size >= this.limits.maxFiles) return null;
    const used = [...this.ready.values()].reduce((n, d) => n + d.bytes, 0) + [...this.writing.values()].reduce((n, s) => n + s.budget, 0);
    const budget = this.limits.maxBytes - used;
    if (budget <= 0) return null;
    const id = randomBytes(18).toString('base64url');
    const slot = { id, path: join(this.dir, `${id}.${ext}`), budget };
    this.writing.set(id, slot);
    return slot;
  }

  /** The export finished: the file waits for its one download. */
  complete(slot: DownloadSlot, d: Omit<Download, 'id' | 'path' | 'bytes' | 'expiresAtMs'>, nowMs = Date.now()): Download {
    this.writing.delete(slot.id);
    const done: Download = { ...d, id: slot.id, path: slot.path, bytes: statSync(slot.path).size, expiresAtMs: nowMs + this.limits.ttlMs };
    this.ready.set(slot.id, done);
    return done;
  }

  /** The export failed or was stopped: its file goes. */
  abandon(slot: DownloadSlot): void {
    this.writing.delete(slot.id);
    rmSync(slot.path, { force: true });
  }

  /**
   * Hands a file over once: `missing` when there is no such id (never made, expired or already
   * fetched), `forbidden` when another device asks (the file stays for its own device).
   */
  take(id: string, device: string, nowMs = Date.now()): Download | 'missing' | 'forbidden' {
    this.sweep(nowMs);
    const d = this.ready.get(id);
    if (!d) return 'missing';
    if (d.device !== device) return 'forbidden';
    this.ready.delete(id);
    return d;
  }

  /** Deletes a file once it was sent (or its sending failed). */
  discard(d: Download): void {
    rmSync(d.path, { force: true });
  }

  private sweep(nowMs = Date.now()): void {
    for (const [id, d] of this.ready) {
      if (d.expiresAtMs > nowMs) continue;
      this.ready.delete(id);
      rmSync(d.path, { force: true });
    }
  }

  /** Files waiting and bytes they take (for tests and health). */
  get waiting(): { files: number; bytes: number } {
    return { files: this.ready.size, bytes: [...this.ready.values()].reduce((n, d) => n + d.bytes, 0) };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.ready.clear();
    this.writing.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
