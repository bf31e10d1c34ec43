// Runs `switchyard-node run` as a child process, the way a DaemonSet runs it, and talks to its
// HTTP endpoints; plus a strict reader of the Prometheus text exposition it serves. Free of ava at
// run time (the agent soak bench uses it too): it needs only something with a `teardown`.

import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Netns } from '../helpers/netns.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'runtime', 'cli', 'main.ts');
const bundle = join(root, 'dist', 'switchyard-node.js');

export interface Teardown {
  teardown(fn: () => void): void;
}

export interface AgentProcess {
  child: ChildProcess;
  /** http://ADDR:PORT, as the agent printed it (inside its namespace, when it has one). */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  get(path: string): Promise<{ status: number; type: string; body: string }>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** Runs the agent inside this namespace (nsenter --net, which execs: child.pid is the agent's). */
  netns?: Netns;
  /** The esbuild bundle in dist/, as a node runs it, instead of the TypeScript sources. */
  bundle?: boolean;
  /**
   * With `netns`: a Unix socket path for the relay that carries the test's requests to the
   * agent's --listen inside the namespace (the namespace has no link to the host's network).
   */
  relaySocket?: string;
}

export async function startAgent(t: Teardown, args: string[], o: StartOptions = {}): Promise<AgentProcess> {
  const node = [process.execPath, ...(o.bundle ? [bundle] : ['--import', 'tsx', main])];
  const argv = [...(o.netns?.enter ?? []), ...node, 'run', ...args, '--listen', '127.0.0.1:0'];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  t.teardown(() => void child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((e) => reject(new Error(`agent exited (${e.code ?? e.signal}) before listening:\n${out}`)));
  });
  let get: AgentProcess['get'] = async (path) => {
    const r = await fetch(url + path);
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  };
  if (o.netns) {
    if (!o.relaySocket) throw new Error('startAgent: an agent in a namespace needs relaySocket');
    await startRelay(t, o.netns, o.relaySocket, Number(new URL(url).port));
    get = (path) => getUnix(o.relaySocket!, path);
  }
  return { child, url, output: () => out, exited, get };
}

// Accepts on a Unix socket (a file, so reachable from every namespace) and connects each
// client to 127.0.0.1:PORT inside the namespace.
const RELAY = `
const net = require('net');
const [path, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect(Number(port), '127.0.0.1');
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
  c.pipe(u).pipe(c);
}).listen(path, () => console.log('ready'));
`;

async function startRelay(t: Teardown, ns: Netns, path: string, port: number): Promise<void> {
  const relay = spawn(ns.enter[0]!, [...ns.enter.slice(1), process.execPath, '-e', RELAY, path, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void relay.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    relay.stdout.once('data', () => resolve());
    relay.once('exit', (code) => reject(new Error(`relay to port ${port} in ${ns.name} exited ${code}`)));
  });
}

function getUnix(socketPath: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `probe` until it returns a value; fails with what the agent printed if it never does. */
export async function eventually<T>(agent: AgentProcess, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never saw ${what}; the agent printed:\n${agent.output()}`);
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  families: Map<string, { help: string; type: string }>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Parses the text format strictly: every sample belongs to a family declared before it by one
 * HELP and then one TYPE line; label values are quoted with \\, \" and \n escapes only; values
 * are numbers; no family is declared twice. Throws naming the line otherwise.
 */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, { help: string; type: string }>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  let current: string | undefined;
  lines.forEach((line, i) => {
    const bad = (why: string) => new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      if (!NAME.test(m[1]!) || families.has(m[1]!)) throw bad('bad or repeated HELP');
      if (/\\[^\\n]/.test(m[2]!.replaceAll('\\\\', ''))) throw bad('bad escape in HELP');
      families.set(m[1]!, { help: m[2]!, type: '' });
      current = m[1]!;
      return;
    }
    if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      if (m[1] !== current || families.get(current)!.type) throw bad('TYPE not right after its HELP');
      families.get(current)!.type = m[2]!;
      return;
    }
    if (line.startsWith('#') || line === '') throw bad('unexpected comment or blank line');
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw bad('not a sample');
    const [, name, labelText, valueText] = m;
    const family = current && families.get(current);
    if (!family || !family.type) throw bad('sample before HELP and TYPE');
    const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    if (!suffixes.some((s) => name === current + s)) throw bad(`sample not of family ${current}`);
    const labels: Record<string, string> = {};
    let rest = labelText ?? '';
    while (rest.length) {
      const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/.exec(rest);
      if (!l) throw bad('bad label set');
      if (l[1]! in labels) throw bad('repeated label');
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(l[0].length);
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : valueText === 'NaN' ? NaN : Number(valueText);
    if (!/^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)|\+Inf|-Inf|NaN)$/i.test(valueText!) || (Number.isNaN(value) && valueText !== 'NaN')) throw bad('bad value');
    samples.push({ name: name!, labels, value });
  });
  for (const [name, f] of families) if (!f.type) throw new Error(`family ${name} has HELP but no TYPE`);
  return { families, samples };
}

/** The value of the one sample named `name` whose labels include `labels`; undefined if none. */
export function sampleValue(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  return e.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
