// Real servers and clients for the north-south tests, as small node scripts run inside the
// test's namespaces. A server answers every TCP line and every UDP datagram with
// `<pod> <peer address> <peer port>`, so a test sees which backend it reached and which source
// address that backend saw (node 1's for SNAT, the client's for DSR and ETP=Local).

import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/bpffs.ts';
import type { Netns } from '../helpers/netns.ts';
import { startIn } from '../helpers/ns-topology.ts';

const serverScript = `
const net = require('node:net');
const dgram = require('node:dgram');
const [name, port] = [process.argv[2], Number(process.argv[3])];
const tcp = net.createServer((s) => {
  let buf = '';
  s.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\\n')) >= 0) {
      buf = buf.slice(i + 1);
      s.write(name + ' ' + s.remoteAddress + ' ' + s.remotePort + '\\n');
    }
  });
  s.on('error', () => {});
});
let up = 0;
const ready = () => { if (++up === 3) console.log('ready'); };
tcp.listen({ port, host: '::', ipv6Only: false }, ready);
for (const type of ['udp4', 'udp6']) {
  const u = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
  u.on('message', (m, r) => u.send(name + ' ' + r.address + ' ' + r.port + '\\n', r.port, r.address));
  u.on('error', () => {});
  u.bind(port, type === 'udp4' ? '0.0.0.0' : '::', ready);
}
`;

// Modes: `tcp` (one connection per request), `udp`, `hold` (one connection, a request every
// interval for the duration: proves that a long-lived connection survives), `big` (as tcp, with
// a 20,000-byte request: full-size segments, for path MTU discovery), `cudp` (a connected UDP
// socket, which reports an ICMP port unreachable as ECONNREFUSED).
const clientScript = `
const net = require('node:net');
const dgram = require('node:dgram');
const [mode, host, port, count, intervalMs, timeoutMs] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5] || 1), Number(process.argv[6] || 0), Number(process.argv[7] || 2000)];
const replies = [];
const errors = [];
const done = () => { console.log(JSON.stringify({ replies, errors })); process.exit(0); };
const once = (i) => new Promise((resolve) => {
  if (mode === 'cudp') {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { errors.push('timeout'); s.close(); resolve(); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(timer); replies.push(m.toString().trim()); s.close(); resolve(); });
    s.on('error', (e) => { clearTimeout(timer); errors.push(e.code || e.message); s.close(); resolve(); });
    s.connect(port, host, () => s.send('hello ' + i + '\\n'));
    return;
  }
  if (mode === 'udp') {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { errors.push('timeout'); s.close(); resolve(); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(timer); replies.push(m.toString().trim()); s.close(); resolve(); });
    s.send('hello ' + i + '\\n', port, host);
    return;
  }
  const s = net.connect({ host, port });
  const timer = setTimeout(() => { errors.push('timeout'); s.destroy(); resolve(); }, timeoutMs);
  s.on('connect', () => s.write((mode === 'big' ? 'x'.repeat(20000) : 'hello ' + i) + '\\n'));
  s.on('data', (d) => { clearTimeout(timer); replies.push(d.toString().trim()); s.end(); resolve(); });
  s.on('error', (e) => { clearTimeout(timer); errors.push(e.code || e.message); resolve(); });
});
async function hold() {
  const s = net.connect({ host, port });
  let buf = '';
  s.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { replies.push(buf.slice(0, i)); buf = buf.slice(i + 1); } });
  s.on('error', (e) => { errors.push(e.code || e.message); done(); });
  s.on('close', () => { errors.push('closed'); done(); });
  await new Promise((r) => s.on('connect', r));
  console.error('connected');
  for (let i = 0; i < count; i++) {
    s.write('ping ' + i + '\\n');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await new Promise((r) => setTimeout(r, 300));
  done();
}
(async () => {
  if (mode === 'hold') return hold();
  for (let i = 0; i < count; i++) {
    await once(i);
    if (intervalMs) await new Promise((r) => setTimeout(r, intervalMs));
  }
  done();
})();
`;

export interface Scripts {
  server: string;
  client: string;
}

export function writeScripts(t: ExecutionContext): Scripts {
  const dir = tempDir(t, 'sy-np-');
  const server = join(dir, 'server.cjs');
  const client = join(dir, 'client.cjs');
  writeFileSync(server, serverScript);
  writeFileSync(client, clientScript);
  return { server, client };
}

/** A TCP+UDP server on `port` inside `ns`, answering as `name`. */
export async function startServer(t: ExecutionContext, s: Scripts, ns: Netns, name: string, port: number): Promise<void> {
  await startIn(t, ns, [process.execPath, s.server, name, String(port)]);
}

export interface ClientResult {
  replies: string[];
  errors: string[];
}

/** Requests from inside `ns`: `count` of them, one connection (or datagram) each. */
export function request(s: Scripts, ns: Netns, mode: 'tcp' | 'udp' | 'big' | 'cudp', host: string, port: number, count = 1, timeoutMs = 1500): ClientResult {
  const r = spawnSync(ns.enter[0]!, [...ns.enter.slice(1), process.execPath, s.client, mode, host, String(port), String(count), '0', String(timeoutMs)], {
    encoding: 'utf8',
    timeout: 30_000 + count * timeoutMs,
  });
  if (r.status !== 0) throw new Error(`client in ${ns.name}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ClientResult;
}

/**
 * One TCP connection that sends a line every `intervalMs`, `count` times; resolves with every
 * reply once done. `connected` resolves when the connection is up.
 */
export function hold(s: Scripts, ns: Netns, host: string, port: number, count: number, intervalMs: number): { connected: Promise<void>; result: Promise<ClientResult> } {
  const child = spawn(ns.enter[0]!, [...ns.enter.slice(1), process.execPath, s.client, 'hold', host, String(port), String(count), String(intervalMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const connected = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => d.toString().includes('connected') && resolve());
    child.on('exit', () => reject(new Error('client exited before it connected')));
  });
  const result = new Promise<ClientResult>((resolve, reject) => {
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as ClientResult);
      } catch {
        reject(new Error(`hold client printed no result: ${out}`));
      }
    });
  });
  return { connected, result };
}

/** "pod1 198.51.100.1 40000" → { pod, address }. */
export function parseReply(line: string): { pod: string; address: string } {
  const [pod, address] = line.split(' ');
  return { pod: pod!, address: (address ?? '').replace(/^::ffff:/, '') };
}
