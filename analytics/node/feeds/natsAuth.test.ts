import { createUser } from '@nats-io/nkeys';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.js';
import { NatsServerProcess } from '../testing/natsServer.js';
import { connectNats, describeNatsUrl, type NatsOptions } from './natsConnect.js';

const servers: NatsServerProcess[] = [];
const tmp = tempDir();
afterAll(async () => {
  for (const s of servers) await s.dispose();
  tmp.remove();
});

async function serverWith(auth: string): Promise<NatsServerProcess> {
  const s = await NatsServerProcess.start({ extraConfig: auth });
  servers.push(s);
  return s;
}

async function canConnect(o: NatsOptions): Promise<boolean> {
  const nc = await Promise.race([
    connectNats({ ...o }).then((c) => c, () => null),
    new Promise<null>((r) => setTimeout(() => r(null), 3000)),
  ]);
  if (!nc) return false;
  await nc.close();
  return true;
}

// connectNats waits forever for a first connection (an operations wall never gives up); for a
// refused credential the server answers "Authorization Violation" and these probes stop at 3 s.
describe('NATS credentials', () => {
  it('user and password', async () => {
    const s = await serverWith('authorization { user: "wall", password: "s3cret-pass" }');
    expect(await canConnect({ url: s.url, user: 'wall', pass: 's3cret-pass' })).toBe(true);
    expect(await canConnect({ url: s.url, user: 'wall', pass: 'wrong' })).toBe(false);
  });

  it('token', async () => {
    const s = await serverWith('authorization { token: "t0ken-for-the-city" }');
    expect(await canConnect({ url: s.url, token: 't0ken-for-the-city' })).toBe(true);
  });

  it('NKey seed, given directly or as a file', async () => {
    const user = createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const s = await serverWith(`authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`);
    expect(await canConnect({ url: s.url, nkey: seed })).toBe(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${tmp.dir}/user.nk`, `${seed}\n`, { mode: 0o600 });
    expect(await canConnect({ url: s.url, nkey: `${tmp.dir}/user.nk` })).toBe(true);
    expect(await canConnect({ url: s.url, nkey: new TextDecoder().decode(createUser().getSeed()) })).toBe(false);
  });

  it('never shows credentials embedded in a URL', () => {
    expect(describeNatsUrl('nats://wall:secret@10.0.0.1:4222')).toBe('nats://***@10.0.0.1:4222');
  });
});
