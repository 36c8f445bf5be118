import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of `target`, for cutting a link in tests (a
 * district's leaf-node link to the city): `cut()` drops every connection and refuses new ones
 * until `restore()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => {
      if (!proxy?.open) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      const pair = [client, upstream];
      const end = (): void => {
        for (const s of pair) {
          s.destroy();
          proxy?.sockets.delete(s);
        }
      };
      for (const s of pair) {
        proxy.sockets.add(s);
        s.on('error', end);
        s.on('close', end);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  /** The link is cut: every connection through the proxy is dropped and new ones refused. */
  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.open = true;
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
