/**
 * The engine's output, kept where a crash's reason can be read afterwards: a file under the user
 * data folder, bounded (the current file and `files - 1` older ones of at most `maxBytes` each), so
 * an engine that logs for months never fills the disk. Written synchronously in small appends (the
 * engine logs a few lines a minute), so the last line before a crash is on disk.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const ENGINE_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const ENGINE_LOG_FILES = 2;

export interface LogSink {
  write(chunk: string | Uint8Array): void;
}

export class RotatingLog implements LogSink {
  private fd: number | null = null;
  private size = 0;
  private warned = false;

  constructor(private readonly path: string, private readonly maxBytes = ENGINE_LOG_MAX_BYTES, private readonly files = ENGINE_LOG_FILES) {
    if (files < 1 || maxBytes < 1) throw new Error('a rotating log keeps at least one file of at least one byte');
  }

  write(chunk: string | Uint8Array): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
      // a single chunk larger than a file is cut to its tail (the end says why it stopped)
      const part = bytes.length > this.maxBytes ? bytes.subarray(bytes.length - this.maxBytes) : bytes;
      writeSync(this.fd as number, part);
      this.size += part.length;
    } catch (e) {
      // the log must never take the shell down (disk full, folder removed): say so once and go on
      if (this.fd !== null) this.close();
      if (this.warned) return;
      this.warned = true;
      console.error(`cityops: cannot write the engine log ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = statSync(this.path).size;
  }

  /** path.(n-1) is dropped, each older file moves up one, the current file becomes path.1. */
  private rotate(): void {
    this.close();
    if (this.files === 1) rmSync(this.path, { force: true });
    else {
      rmSync(`${this.path}.${this.files - 1}`, { force: true });
      for (let i = this.files - 2; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      renameSync(this.path, `${this.path}.1`);
    }
    this.open();
  }
}
