import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

import { z } from 'zod';
import { ROLES, type Role } from '../../common/ops/opsEvents.js';

export { ROLES, type Role };

export interface Identity {
  device: string;
  role: Role;
}

/** A devices file: one token per device (wall screens, workstations), each with its role. */
export const DevicesFileSchema = z.array(z.object({
  device: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  role: z.enum(ROLES),
  token: z.string().min(16),
  /** What operators call this place ("一号值班台"): shown for its actions instead of its device id. */
  name: z.string().min(1).max(50).optional(),
})).refine((d) => new Set(d.map((x) => x.device)).size === d.length, 'device names must be unique');
export type DevicesFile = z.infer<typeof DevicesFileSchema>;

/** Device tokens and their roles. Compared in constant time. */
export class AccessTokens {
  private readonly entries: { token: Buffer; role: Role; device: string; name: string | null }[] = [];

  add(token: string, role: Role, device: string = role, name: string | null = null): void {
    if (token.length < 16) throw new Error(`a ${role} token must have at least 16 characters`);
    this.entries.push({ token: Buffer.from(token), role, device, name });
  }

  /** Every device's role and name (never its token), so pages can say who acted by name or role. */
  directory(): Record<string, { role: Role; name: string | null }> {
    return Object.fromEntries(this.entries.map((e) => [e.device, { role: e.role, name: e.name }]));
  }

  identify(token: string | null): Identity | null {
    if (token === null) return null;
    const t = Buffer.from(token);
    let found: Identity | null = null;
    for (const e of this.entries) {
      if (e.token.length === t.length && timingSafeEqual(e.token, t)) found = { device: e.device, role: e.role };
    }
    return found;
  }

  roleOf(token: string | null): Role | null {
    return this.identify(token)?.role ?? null;
  }

  static generate(): string {
    return randomBytes(24).toString('base64url');
  }
}

/**
 * The token from `Authorization: Bearer …` (the scheme is case-insensitive, RFC 7235), or from
 * `?token=` (browsers cannot set WebSocket headers).
 */
export function tokenOf(req: IncomingMessage, params: URLSearchParams): string | null {
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
  if (m?.[1]) return m[1];
  return params.get('token');
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);
const isWildcard = (host: string): boolean => host === '' || host === '0.0.0.0' || host === '::';

/**
 * The origins of this server's own pages: http(s)://<an address it listens on>:<its port>. A
 * loopback listener is reached as 127.0.0.1, localhost or [::1]; a wildcard listener (0.0.0.0, ::)
 * at any address of the machine's interfaces or by the machine's own host name. Read at each check,
 * as interface addresses change (DHCP, VPN).
 */
export function ownOrigins(listenHost: string, port: number): string[] {
  const hosts = new Set<string>();
  const add = (h: string): void => void hosts.add(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  if (isLoopback(listenHost)) LOOPBACK_NAMES.forEach(add);
  if (isWildcard(listenHost)) {
    LOOPBACK_NAMES.forEach(add);
    add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      // a link-local IPv6 address needs a zone, which no Origin carries
      for (const a of list ?? []) if (!a.address.startsWith('fe80:')) add(a.address);
    }
  } else {
    add(listenHost.toLowerCase());
  }
  const out: string[] = [];
  for (const h of hosts) {
    out.push(`http://${h}:${port}`, `https://${h}:${port}`);
    // a browser leaves the scheme's default port out of the Origin
    if (port === 80) out.push(`http://${h}`);
    if (port === 443) out.push(`https://${h}`);
  }
  return out;
}

/**
 * Browsers let any page open ws://localhost, so a request that carries an Origin must come from
 * this server's own pages or from an origin the operator allowed. "Own" is judged by the addresses
 * the server listens on, never by the Host header: under DNS rebinding a foreign page reaches us
 * with `Host: evil.example` and `Origin: http://evil.example`, which agree with each other.
 * Clients that are not browsers send no Origin and rely on the token alone.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[], own: () => readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  return own().includes(origin.toLowerCase());
}
