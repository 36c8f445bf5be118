import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';

const enc = new TextEncoder();

export interface PublishedMessage {
  subject: string;
  body: string;
  msgId: string;
}

/**
 * Publishes through JetStream and waits for each acknowledgement, retrying with the same
 * Nats-Msg-Id while the server is away: what it returns is exactly what the stream holds.
 */
export class AckedPublisher {
  private readonly js: JetStreamClient;
  published = 0;
  retries = 0;

  constructor(nc: NatsConnection) {
    this.js = jetstream(nc, { timeout: 2000 });
  }

  async publishAll(msgs: PublishedMessage[], concurrency = 200): Promise<void> {
    for (let i = 0; i < msgs.length; i += concurrency) {
      await Promise.all(msgs.slice(i, i + concurrency).map((m) => this.publishOne(m)));
    }
  }

  private async publishOne(m: PublishedMessage): Promise<void> {
    for (;;) {
      try {
        await this.js.publish(m.subject, enc.encode(m.body), { msgID: m.msgId });
        this.published++;
        return;
      } catch {
        this.retries++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}

/** `count` readings in messages of `perMessage`, spread over a few assets, with unique ids. */
export function readingMessages(tag: string, count: number, perMessage: number, tsMs = Date.now() - 1000): PublishedMessage[] {
  const out: PublishedMessage[] = [];
  for (let i = 0; i < count; i += perMessage) {
    const n = Math.min(perMessage, count - i);
    const asset = `a${(i / perMessage) % 7}`;
    const readings = Array.from({ length: n }, (_, k) => ({ id: `${tag}-${i + k}`, ts: tsMs + ((i + k) % 1000), metric: 'lel_pct', value: (i + k) % 50 }));
    out.push({ subject: `city.telemetry.gas.420303.${asset}`, body: JSON.stringify(n === 1 ? readings[0] : readings), msgId: `${tag}-m${i}` });
  }
  return out;
}
