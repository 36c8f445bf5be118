import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export interface HandoverPdfOptions {
  /** The running engine, e.g. http://127.0.0.1:8640 */
  url: string;
  token: string;
  fromMs: number;
  toMs: number;
  out: string;
  lang: 'zh' | 'en';
  chromium?: string;
}

/**
 * Exports a shift's handover report as PDF: the engine renders the report (and keeps it with its
 * SHA-256), headless Chromium prints that page. No network beyond the engine on this host.
 */
export async function handoverPdf(o: HandoverPdfOptions): Promise<{ out: string; bytes: number }> {
  const chromium = o.chromium ?? process.env['CITYOPS_CHROMIUM'] ?? CHROMIUM_CANDIDATES.find((c) => existsSync(c));
  if (!chromium) throw new Error(`no Chromium found (${CHROMIUM_CANDIDATES.join(', ')}): install it (apt-get install chromium) or set CITYOPS_CHROMIUM`);
  const page = `${o.url.replace(/\/$/, '')}/api/handover.html?fromMs=${o.fromMs}&toMs=${o.toMs}&lang=${o.lang}&keep=true&token=${encodeURIComponent(o.token)}`;
  const check = await fetch(page.replace('keep=true', 'keep=false'));
  if (!check.ok) throw new Error(`the engine refused the report: HTTP ${check.status} ${await check.text()}`);
  mkdirSync(dirname(o.out) || '.', { recursive: true });
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--no-pdf-header-footer', `--print-to-pdf=${o.out}`, page];
  await new Promise<void>((resolve, reject) => {
    const p = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chromium exited ${code}: ${err}`))));
  });
  if (!existsSync(o.out)) throw new Error('chromium wrote no PDF');
  return { out: o.out, bytes: statSync(o.out).size };
}
