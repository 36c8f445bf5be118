import { spawn } from 'node:child_process';
import { packageRoot } from '../../analytics/node/paths.js';

/** One of the wall's questions: its parameters, and the span of a window that ends when it is asked. */
export interface WallQuestion {
  label: string;
  name: string;
  params: Record<string, unknown>;
  spanMs?: number;
}

/**
 * A wall in a process of its own, as a browser on the wall's machine would be: one WebSocket with
 * the wall's token, each question asked every `everyMs` (staggered), `runs` times; the round trip of
 * each answer (p50, p95, max in ms), with whatever the engine's thread made it wait.
 */
const CLIENT = `
import { WebSocket } from 'ws';
const [url, every, runs, qs] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), JSON.parse(process.argv[4])];
const ws = new WebSocket(url);
const times = qs.map(() => []);
const errors = {};
let id = 0;
const pending = new Map();
ws.on('message', (b) => {
  const m = JSON.parse(String(b));
  if (m.t !== 'result') return;
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) times[p.k].push(performance.now() - p.t); else errors[m.error.code] = (errors[m.error.code] ?? 0) + 1;
  p.done();
});
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
ws.on('open', async () => {
  const start = performance.now() + 50;
  await Promise.all(qs.map(async (q, k) => {
    for (let i = 0; i < runs; i++) {
      const due = start + (k * every) / qs.length + i * every;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const params = q.spanMs === undefined ? q.params : { ...q.params, fromMs: Date.now() - q.spanMs };
      await new Promise((done) => { id++; pending.set(id, { k, t: performance.now(), done }); ws.send(JSON.stringify({ t: 'query', id, name: q.name, params })); });
    }
  }));
  const out = {};
  qs.forEach((q, k) => {
    const l = times[k].sort((a, b) => a - b);
    const at = (p) => l[Math.min(l.length - 1, Math.max(0, Math.ceil(p * l.length) - 1))] ?? null;
    out[q.label] = { p50Ms: Math.round(at(0.5) * 100) / 100, p95Ms: Math.round(at(0.95) * 100) / 100, maxMs: Math.round(l[l.length - 1] * 100) / 100, answers: l.length };
  });
  out.errors = errors;
  ws.close();
  process.stdout.write(JSON.stringify(out) + '\\n', () => process.exit(0));
});
`;

export function wallClient(url: string, everyMs: number, runs: number, questions: WallQuestion[]): Promise<Record<string, unknown>> {
  return clientProcess(CLIENT, [url, String(everyMs), String(runs), JSON.stringify(questions)], 'wall client');
}

/** Runs a client's module code in a process of its own (from the package root, so it finds `ws`); its one line of JSON on stdout. */
export function clientProcess<T>(code: string, args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', code, ...args], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.once('exit', (code) => (code === 0 ? resolve(JSON.parse(text) as T) : reject(new Error(`${what} exited ${code}`))));
  });
}
