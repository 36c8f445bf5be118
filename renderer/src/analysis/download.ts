/** Local date and time as the screens write it (YYYY-MM-DD HH:mm). */
export function dateTimeText(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
}

/** The engine's HTTP address and this page's token, from the engine API's address (`ws://host/api/ws?token=…`). */
export function engineHttp(wsUrl: string): { base: string; token: string } {
  const u = new URL(wsUrl);
  const token = u.searchParams.get('token') ?? '';
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '';
  u.search = '';
  return { base: u.toString().replace(/\/$/, ''), token };
}

/** Hands a blob to the browser as a file to save. */
export function saveBlob(fileName: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function saveText(fileName: string, text: string, type: string): void {
  saveBlob(fileName, new Blob([text], { type }));
}

/** Fetches an export the engine prepared (`sql.export`) with this page's token, and saves it. */
export async function downloadFromEngine(wsUrl: string, downloadId: string, fileName: string): Promise<void> {
  const { base, token } = engineHttp(wsUrl);
  const r = await fetch(`${base}/api/download/${encodeURIComponent(downloadId)}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`download ${r.status}: ${(await r.text()).slice(0, 200)}`);
  saveBlob(fileName, await r.blob());
}
