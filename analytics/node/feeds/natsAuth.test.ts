import { createAccount, createOperator, createUser as createJwtUser, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createUser } from '@nats-io/nkeys';
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { NatsServerProcess } from './natsServerProcess.js';
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
    writeFileSync(`${tmp.dir}/user.nk`, `${seed}\n`, { mode: 0o600 });
    expect(await canConnect({ url: s.url, nkey: `${tmp.dir}/user.nk` })).toBe(true);
    expect(await canConnect({ url: s.url, nkey: new TextDecoder().decode(createUser().getSeed()) })).toBe(false);
  });

  it('TLS with a CA file', async () => {
    const d = tmp.dir;
    const run = (cmd: string): void => { execSync(cmd, { cwd: d, stdio: 'ignore' }); };
    run('openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=cityops-test-ca');
    run('openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1');
    writeFileSync(`${d}/san.ext`, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    run('openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext');
    const s = await serverWith(`tls { cert_file: "${d}/server.pem", key_file: "${d}/server.key" }`);
    const url = s.url.replace('nats://', 'tls://');
    expect(await canConnect({ url, tlsCaFile: `${d}/ca.pem` })).toBe(true);
    expect(await canConnect({ url })).toBe(false);
  });

  it('a .creds file (operator JWT mode)', async () => {
    const op = createOperator();
    const acct = createAccount();
    const user = createJwtUser();
    const opJwt = await encodeOperator('city-operator', op);
    const limits = { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, leaf: -1 };
    const acctJwt = await encodeAccount('city', acct, { limits }, { signer: op });
    const userJwt = await encodeUser('wall-1', user, acct);
    writeFileSync(`${tmp.dir}/wall.creds`, fmtCreds(userJwt, user));
    const s = await NatsServerProcess.start({ jetstream: false, extraConfig: `operator: ${opJwt}\nresolver: MEMORY\nresolver_preload: { ${acct.getPublicKey()}: ${acctJwt} }` });
    servers.push(s);
    expect(await canConnect({ url: s.url, credsFile: `${tmp.dir}/wall.creds` })).toBe(true);
    expect(await canConnect({ url: s.url })).toBe(false);
  });

  it('never shows credentials embedded in a URL', () => {
    expect(describeNatsUrl('nats://wall:secret@10.0.0.1:4222')).toBe('nats://***@10.0.0.1:4222');
  });
});
