import { WebSocket } from 'ws';
import { ServerMessageSchema, type CommandArgsIn } from '../../common/engineApi.js';
import type { BundleSummary, ExportProgress } from '../../common/bundle.js';

/** An engine's refusal, with the API's error code (`forbidden`, `bad_request`, `busy`...). */
export class EngineRefusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'EngineRefusal';
  }
}

const SUBSCRIBE_ID = 1;
const EXPORT_ID = 2;

/**
 * Asks a running engine to write a bundle (the `export` command of the engine API), showing its
 * progress from the `export` topic. The bundle is written on the engine's machine.
 */
export function exportThroughEngine(url: string, token: string, args: CommandArgsIn<'export'>, onProgress?: (p: ExportProgress) => void): Promise<BundleSummary> {
  const wsUrl = `${url.replace(/\/+$/, '').replace(/^http/, 'ws')}/api/ws`;
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${token}` }, maxPayload: 16 * 1024 * 1024 });
    } catch (e) {
      reject(new Error(`cannot reach the engine at ${url}: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      ws.close();
    };
    ws.on('unexpected-response', (_req, res) => finish(() => reject(new Error(`the engine at ${url} refused the connection: HTTP ${res.statusCode ?? '?'}${res.statusCode === 401 ? ' (wrong or missing token)' : ''}`))));
    ws.on('error', (e) => finish(() => reject(new Error(`cannot reach the engine at ${url}: ${e.message}`))));
    ws.on('close', () => finish(() => reject(new Error('the engine closed the connection before the export finished'))));
    ws.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return;
      }
      const m = ServerMessageSchema.safeParse(raw);
      if (!m.success) return;
      const msg = m.data;
      if (msg.t === 'hello') {
        ws.send(JSON.stringify({ t: 'subscribe', id: SUBSCRIBE_ID, topic: 'export' }));
        ws.send(JSON.stringify({ t: 'command', id: EXPORT_ID, name: 'export', args }));
      } else if (msg.t === 'push' && msg.id === SUBSCRIBE_ID && msg.data !== null) {
        onProgress?.(msg.data as ExportProgress);
      } else if (msg.t === 'result' && msg.id === EXPORT_ID) {
        if (msg.ok) finish(() => resolve(msg.data as BundleSummary));
        else finish(() => reject(new EngineRefusal(msg.error.code, `the engine refused the export (${msg.error.code}): ${msg.error.message}`)));
      }
    });
  });
}
