// `npm run image` (deploy/image/build.sh) writes an OCI image offline, and the image runs:
// podman (rootful, runc, vfs storage in a temp directory, no network) starts switchyard-node
// from it, and with only the DaemonSet's capabilities it applies the compiler's real output
// inside a test network namespace, through the pod's mounts (bpffs, cgroup2, the artifacts).

import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../helpers/bpffs.ts';
import { cgroup2Root } from '../helpers/cgroup.ts';
import { deployedContainers } from '../helpers/daemonset.ts';
import { DEMO_NODE, demoNode } from '../helpers/demo-node.ts';
import { kernelTest, toolTest, uniqueName } from '../helpers/kernel.ts';

const root = process.cwd();
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function run(argv: string[]) {
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: root, timeout: 300_000 });
}

/**
 * The image, built once for this file's tests into a temp directory removed after them (its path
 * in lower case: podman names an image after the layout's path).
 */
let built: { layout: string; printed: string } | undefined;
const imageDir = join(tmpdir(), uniqueName('sy-image'));
test.after.always(() => rmSync(imageDir, { recursive: true, force: true }));
function image(): { layout: string; printed: string } {
  if (!built) {
    const layout = join(imageDir, 'image');
    const r = run(['bash', 'deploy/image/build.sh', layout]);
    if (r.status !== 0) throw new Error(`deploy/image/build.sh: exit ${r.status}: ${r.stderr}${r.stdout}`);
    built = { layout, printed: r.stdout };
  }
  return built;
}

/** Every cgroup hierarchy's mount point (v1 controllers and v2), from /proc/mounts. */
function cgroupMounts(): string[] {
  const fields = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' '));
  return fields.filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2').map((f) => f[1]!);
}

/** Removes cgroup `relative` and the cgroups under it in every hierarchy, deepest first. */
function removeCgroupTree(relative: string): void {
  const walk = (dir: string): string[] =>
    existsSync(dir) ? [...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => walk(join(dir, e.name))), dir] : [];
  for (const dir of cgroupMounts().flatMap((mount) => walk(join(mount, relative)))) {
    try {
      rmdirSync(dir); // a cgroup goes with rmdir, never with a recursive delete of its files
    } catch {
      // a process still in it: leave it rather than fail the test
    }
  }
}

/**
 * podman with its storage in a temp directory and its cgroups under one of the test's own, both
 * removed in teardown; limits lowered, never raised (this process may lack CAP_SYS_RESOURCE).
 */
function podman(t: ExecutionContext) {
  const dir = tempDir(t, 'sy-podman-');
  const cgroupParent = uniqueName('sy-podman');
  const base = ['podman', '--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs', '--runtime', 'runc', '--cgroup-manager', 'cgroupfs', '--events-backend', 'none'];
  t.teardown(() => {
    spawnSync(base[0]!, [...base.slice(1), 'rmi', '--all', '--force']);
    removeCgroupTree(cgroupParent);
  });
  return (opts: string[], image: string, args: string[]) =>
    run([...base, 'run', '--rm', '--cgroup-parent', `/${cgroupParent}`, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', ...opts, image, ...args]);
}

// The build is inert; only running it needs the kernel (podman as root).
toolTest('npm run image writes an OCI layout with node, the bundle, the verifier and koffi, and prints its size', ['umoci', 'strip'], (t) => {
  const { layout, printed } = image();
  t.regex(printed, new RegExp(`^image: .*:${version.replace(/\./g, '\\.')} \\(OCI layout\\): [\\d.]+ MiB compressed, [\\d.]+ MiB unpacked; node v20\\.`, 'm'));
  t.true(existsSync(join(layout, 'index.json')) && existsSync(join(layout, 'oci-layout')));
  const files = run(['umoci', 'stat', '--image', `${layout}:${version}`, '--json']);
  t.is(files.status, 0, files.stderr);
  const unpacked = join(tempDir(t), 'bundle');
  t.is(run(['umoci', 'unpack', '--image', `${layout}:${version}`, unpacked]).status, 0);
  for (const f of ['usr/bin/node', 'app/switchyard-node.js', 'app/verifier.wasm', 'app/node_modules/koffi/package.json', 'app/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node']) {
    t.true(existsSync(join(unpacked, 'rootfs', f)), f);
  }
  for (const absent of ['usr/bin/npm', 'bin/sh', 'app/node_modules/typescript', 'app/node_modules/@koromix/koffi-linux-x64/musl_x64']) {
    t.false(existsSync(join(unpacked, 'rootfs', absent)), `${absent} is not shipped`);
  }
  const config = JSON.parse(readFileSync(join(unpacked, 'config.json'), 'utf8')) as { process: { args: string[] } };
  t.deepEqual(config.process.args, ['/usr/bin/node', '/app/switchyard-node.js', '--help']);
});

kernelTest('podman runs switchyard-node --help from the image, without network', (t) => {
  const r = podman(t)(['--network', 'none'], `oci:${image().layout}:${version}`, ['--help']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /^switchyard-node: loads Switchyard's compiled artifacts/m);
  t.regex(r.stdout, /run DIR --node NAME +the node agent/);
}, ['umoci', 'strip', 'podman', 'runc']);

// As the DaemonSet runs it: its capabilities, its seccomp profile (podman's default stands in for
// RuntimeDefault), its mounts.
const deployed = deployedContainers().agent.securityContext;
kernelTest(`in the image, with the DaemonSet's ${deployed.capabilities.add.join(', ')} and seccomp profile, apply loads generated/demo`, (t) => {
  const n = demoNode(t, 'syimg');
  const caps = ['--cap-drop', 'all', ...deployed.capabilities.add.flatMap((c) => ['--cap-add', `CAP_${c}`])];
  if (deployed.seccompProfile?.type === 'Unconfined') caps.push('--security-opt', 'seccomp=unconfined');
  // As deploy/daemonset.yaml has it: a read-only root; bpffs at /sys/fs/bpf, the host's cgroup2
  // hierarchy at /host/cgroup (beside the container's own), the state directory, the artifacts.
  mkdirSync(n.state, { recursive: true });
  const mounts = [
    '--read-only',
    ...['-v', `${n.bpffs}:/sys/fs/bpf`, '-v', `${cgroup2Root()}:/host/cgroup`, '-v', `${n.state}:/run/switchyard`],
    ...['-v', `${join(root, 'generated', 'demo')}:/artifacts:ro`],
  ];
  const r = podman(t)(['--network', `ns:${n.ns.path}`, ...caps, ...mounts], `oci:${image().layout}:${version}`, ['apply', '/artifacts', '--node', DEMO_NODE, '--device', n.device, '--cgroup', `/host/cgroup/${n.cg.relative}`]);
  t.is(r.status, 0, r.stderr + r.stdout);
  t.regex(r.stdout, new RegExp(`link nodeport_ingress@${n.device}: created and pinned`));
  t.regex(r.stdout, /link connect4@cgroup: created and pinned/);
  t.true(existsSync(join(n.pins, DEMO_NODE)), 'pinned in the host bpffs the pod mounts');
  t.true(readdirSync(n.state).length > 0, "the snapshot went to the host's state directory");
}, ['umoci', 'strip', 'podman', 'runc', 'ip']);
