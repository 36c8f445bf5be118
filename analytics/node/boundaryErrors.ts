/**
 * Failures caught at a network boundary (an HTTP request, a WebSocket upgrade or message, an audit
 * write): each is logged and counted for /api/health, never thrown out of its handler, so no
 * request can end the process.
 */
export class BoundaryErrors {
  count = 0;
  last: string | null = null;

  note(where: string, e: unknown): void {
    this.count++;
    const text = e instanceof Error ? e.message : String(e);
    this.last = `${where}: ${text.slice(0, 500)}`;
    console.error(`[boundary] ${new Date().toISOString()} ${this.last}`);
  }
}
