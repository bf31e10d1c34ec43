// The processes of the socket LB's end-to-end tests, free of ava so that benches start them too:
// one backend server per pod (socket-backend.mjs) and the client (socket-client.mjs), run inside
// a node's cgroup from the node's namespace or a pod's so that the node's socket LB sees it.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Netns, Teardown, Topology, TopologyNode } from '../helpers/topology.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = join(here, 'socket-client.mjs');
const BACKEND = join(here, 'socket-backend.mjs');

/** nsenter into `ns`, join the node's cgroup, exec the client: the socket LB sees its sockets. */
export function clientArgv(node: TopologyNode, ns: Netns, cmd: object): string[] {
  const json = JSON.stringify(cmd).replaceAll("'", "'\\''");
  return [...ns.enter, 'sh', '-c', `${node.cgroup.joinScript} ${process.execPath} ${CLIENT} '${json}'`];
}

/** One backend server per pod: TCP 80 and 8080, UDP 53, named after the pod; killed in teardown. */
export async function startBackends(t: Teardown, topo: Topology): Promise<Map<string, ChildProcess>> {
  const procs = new Map<string, ChildProcess>();
  t.teardown(() => {
    for (const p of procs.values()) p.kill('SIGKILL');
  });
  await Promise.all(
    topo.pods.map(
      (pod) =>
        new Promise<void>((resolve, reject) => {
          const p = spawn(pod.ns.enter[0]!, [...pod.ns.enter.slice(1), process.execPath, BACKEND, pod.name, '80,8080', '53'], { stdio: ['ignore', 'pipe', 'pipe'] });
          procs.set(pod.name, p);
          let out = '';
          const timer = setTimeout(() => reject(new Error(`backend ${pod.name} did not start: ${out}`)), 20_000);
          p.stdout.on('data', (d) => {
            out += d;
            if (out.includes('ready')) {
              clearTimeout(timer);
              resolve();
            }
          });
          p.on('exit', (code) => reject(new Error(`backend ${pod.name} exited ${code}: ${out}`)));
        }),
    ),
  );
  return procs;
}
