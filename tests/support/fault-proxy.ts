/**
 * A TCP proxy on 127.0.0.1 between joinery and a PostgreSQL or MySQL/MariaDB server, for the fault
 * tests: it forwards bytes both ways, and on request
 *
 * - drops the server's reply to the next COMMIT and closes both sockets (the COMMIT reached the
 *   server and took effect; the client never hears so);
 * - runs an action (say, killing the session from another connection) before it forwards the next
 *   client message that contains some bytes, so the fault lands at an exact point of a flush;
 * - refuses new connections (accepts and closes them at once).
 *
 * It recognises a COMMIT in the client's stream as joinery sends it, a simple query `COMMIT;`: on pg
 * a Query message ('Q', length 12, "COMMIT;\0"), on MySQL a COM_QUERY packet (length 8, sequence 0,
 * 0x03, "COMMIT;").
 *
 * @example
 * const proxy = await FaultProxy.start('pg', db.config);
 * const orm = await Joinery.init({ entities, ...proxy.config });
 * proxy.loseNextCommitReply();
 * await em.flush();   // settled on a new connection: committed
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ConnectionConfig } from '../../src/drivers/connection-config.js';

const COMMIT_MESSAGE = {
  pg: Buffer.concat([Buffer.from('Q'), Buffer.from([0, 0, 0, 12]), Buffer.from('COMMIT;\0')]),
  mysql: Buffer.concat([Buffer.from([8, 0, 0, 0, 3]), Buffer.from('COMMIT;')]),
};

interface Pair {
  client: Socket;
  server: Socket;
  /** Client chunks go through this chain, in order, so an action can hold them back. */
  queue: Promise<void>;
  dropReply: boolean;
}

interface Trigger {
  bytes: Buffer;
  action: () => Promise<void> | void;
}

export class FaultProxy {
  /** Accept and close new connections at once (those already open keep working). */
  refuseNew = false;
  readonly #pairs = new Set<Pair>();
  #loseCommitReply = false;
  #triggers: Trigger[] = [];
  /** How many COMMIT replies were dropped so far. */
  lostReplies = 0;

  private constructor(
    private readonly server: Server,
    readonly dialect: 'pg' | 'mysql',
    /** The config of the target, with host and port replaced by the proxy's. */
    readonly config: ConnectionConfig,
  ) {}

  /** Starts a proxy to the server of `target` (a URL connection config) on a free loopback port. */
  static async start(dialect: 'pg' | 'mysql', target: ConnectionConfig): Promise<FaultProxy> {
    if (typeof target.connection !== 'string') throw new Error('FaultProxy: give a URL connection config');
    const url = new URL(target.connection);
    const upstream = { host: url.hostname || '127.0.0.1', port: Number(url.port) || (dialect === 'pg' ? 5432 : 3306) };
    let proxy!: FaultProxy;
    const server = createServer((client) => proxy.#accept(client, upstream));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as { port: number };
    const via = new URL(url.toString());
    via.hostname = '127.0.0.1';
    via.port = String(port);
    proxy = new FaultProxy(server, dialect, { ...target, connection: via.toString() });
    return proxy;
  }

  /** Drop the server's reply to the next COMMIT, then close both sockets of that connection. */
  loseNextCommitReply(): void {
    this.#loseCommitReply = true;
  }

  /** Run `action` before forwarding the next client message that contains `bytes` (once). */
  beforeNext(bytes: Buffer | string, action: () => Promise<void> | void): void {
    this.#triggers.push({ bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, action });
  }

  /** {@link beforeNext} for the next COMMIT. */
  beforeNextCommit(action: () => Promise<void> | void): void {
    this.beforeNext(COMMIT_MESSAGE[this.dialect], action);
  }

  async close(): Promise<void> {
    for (const p of this.#pairs) this.#end(p);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(client: Socket, upstream: { host: string; port: number }): void {
    if (this.refuseNew) {
      client.destroy();
      return;
    }
    const server = connect(upstream);
    const pair: Pair = { client, server, queue: Promise.resolve(), dropReply: false };
    this.#pairs.add(pair);
    client.setNoDelay(true);
    server.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      pair.queue = pair.queue.then(() => this.#fromClient(pair, chunk));
    });
    server.on('data', (chunk: Buffer) => {
      if (pair.dropReply) {
        this.lostReplies++;
        this.#end(pair);
        return;
      }
      client.write(chunk);
    });
    const end = () => this.#end(pair);
    client.on('close', end);
    server.on('close', end);
    client.on('error', end);
    server.on('error', end);
  }

  async #fromClient(pair: Pair, chunk: Buffer): Promise<void> {
    const due = this.#triggers.filter((t) => chunk.includes(t.bytes));
    if (due.length) {
      this.#triggers = this.#triggers.filter((t) => !due.includes(t));
      for (const t of due) await t.action();
    }
    if (this.#loseCommitReply && chunk.includes(COMMIT_MESSAGE[this.dialect])) {
      this.#loseCommitReply = false;
      pair.dropReply = true;
    }
    if (!pair.server.destroyed) pair.server.write(chunk);
  }

  #end(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    pair.client.destroy();
    pair.server.destroy();
  }
}
