import { readFileSync } from 'node:fs';
import {
  credsAuthenticator, nkeyAuthenticator, tokenAuthenticator, usernamePasswordAuthenticator, wsconnect,
  type Authenticator, type ConnectionOptions, type NatsConnection,
} from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { WebSocket } from 'ws';

export interface NatsOptions {
  /** One or more server URLs, comma separated: nats://, tls://, ws://, wss:// */
  url: string;
  user?: string;
  pass?: string;
  token?: string;
  /** An NKey seed (SU...) or a file holding one. */
  nkey?: string;
  credsFile?: string;
  tlsCaFile?: string;
  name?: string;
}

export function authenticators(o: NatsOptions): Authenticator[] {
  const auth: Authenticator[] = [];
  if (o.user !== undefined) auth.push(usernamePasswordAuthenticator(o.user, o.pass ?? ''));
  if (o.token !== undefined) auth.push(tokenAuthenticator(o.token));
  if (o.nkey !== undefined) {
    const seed = o.nkey.startsWith('SU') ? o.nkey : readFileSync(o.nkey, 'utf8').trim();
    auth.push(nkeyAuthenticator(new TextEncoder().encode(seed)));
  }
  if (o.credsFile !== undefined) auth.push(credsAuthenticator(new Uint8Array(readFileSync(o.credsFile))));
  return auth;
}

export function isWebSocketUrl(url: string): boolean {
  return /^wss?:\/\//i.test(url.split(',')[0]?.trim() ?? '');
}

/**
 * Connects over TCP or WebSocket with the given credentials and reconnects forever: an operations
 * wall never gives up on its feeds.
 */
export async function connectNats(o: NatsOptions): Promise<NatsConnection> {
  const servers = o.url.split(',').map((s) => s.trim()).filter(Boolean);
  const auth = authenticators(o);
  const opts: ConnectionOptions = {
    servers,
    name: o.name ?? 'cityops',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    reconnectJitterTLS: 500,
    pingInterval: 5_000,
    maxPingOut: 2,
    // the first connection is retried by NatsLink, which reports why it fails
    waitOnFirstConnect: false,
    ignoreClusterUpdates: false,
  };
  if (auth.length === 1) opts.authenticator = auth[0];
  else if (auth.length > 1) opts.authenticator = auth;
  if (o.tlsCaFile !== undefined) opts.tls = { caFile: o.tlsCaFile };
  if (isWebSocketUrl(o.url)) {
    // Node 20 has no global WebSocket; ws provides the same browser API.
    const g = globalThis as { WebSocket?: unknown };
    if (g.WebSocket === undefined) g.WebSocket = WebSocket;
    return wsconnect(opts);
  }
  return connect(opts);
}

export function describeNatsUrl(url: string): string {
  // never show credentials embedded in a URL
  return url.replace(/\/\/[^@/]*@/g, '//***@');
}
