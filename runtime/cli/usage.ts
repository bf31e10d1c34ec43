// The help texts of switchyard-node and its commands: the CLI's documentation, kept as data so
// that `--help` and the README say the same thing.

import { DEFAULT_LISTEN } from '../agent/http.ts';

export const DEFAULT_STATE = '/run/switchyard';

export const usage = {
  main: `switchyard-node: loads Switchyard's compiled artifacts into this node's kernel

usage: switchyard-node <command> [options]

commands:
  apply DIR --node NAME   load or update the node's maps, programs and links from DIR
  run DIR --node NAME     the node agent: apply DIR now and on every change, serve health and metrics
  status                  what is applied, and whether the live maps drifted from it
  dump [MAP]              the live map entries as text, decoded with the object's BTF
  remove                  detach the programs and drop the node's maps and pins
  health DIR --node NAME  serve the healthCheckNodePorts of externalTrafficPolicy: Local services

Run 'switchyard-node <command> --help' for a command's options; a command refuses the others'.
--verbose and --help are taken by every command.`,

  apply: `usage: switchyard-node apply DIR --node NAME [options]

Checks DIR (a generated/<cluster> directory) against its manifest's sha256 sums, checks every
program with the WebAssembly verifier (as switchyard compile did), then creates or updates the node's maps, loads its programs and attaches them with pinned bpf_links. Run it
again with new artifacts to update in place: new entries before the entries that point to them,
programs swapped atomically (BPF_LINK_UPDATE), stale entries removed last. A failure leaves the
node as it was; an apply killed half way is finished by the next apply.

options:
  --node NAME        the node in the manifest (required)
  --device IFNAME    a device for XDP and tcx programs (repeat for several)
  --cgroup PATH      the cgroup for socket programs: relative to the cgroup v2 mount, or an
                     absolute path inside it (default: the mount's root cgroup)
  --bpffs DIR        where the pins go (default /sys/fs/bpf/switchyard; bpffs is mounted if missing)
  --state DIR        where the snapshot of the last apply goes (default ${DEFAULT_STATE})
  --dry-run          print what would change; change nothing
  --reconcile        trust no snapshot of the last apply: compare every map with the kernel's
                     copy and re-attach the programs (after status reported drift)
  --no-verify        skip the WebAssembly verifier's check of the programs before loading (for
                     its false alarms); the kernel verifier still refuses what it must
  --verbose          the whole verifier log on a refusal, and timings`,

  run: `usage: switchyard-node run DIR --node NAME [options]

The node agent, until stopped. Applies DIR (a generated/<cluster> directory, or a symlink to one
as git-sync and ConfigMap volumes publish it) at start and again whenever it changes: the
directory holding DIR is watched (a symlink swapped by rename), DIR's target too, and DIR is
polled every 10 s in case an event was missed. Each apply resolves the symlink once, so one
revision is applied whole; a directory whose files do not match its manifest's sha256 sums
(half written, or tampered with) is not applied. A manifest with an older generation than the
one applied is refused. A bad revision leaves the last good one serving, is logged, counted in
/metrics and shown by /readyz, and is tried again (with backoff) when DIR changes again.
The healthCheckNodePorts of the applied revision are served, opened and closed as revisions
add and remove them. SIGTERM and SIGINT stop the agent and leave the datapath attached; remove
takes a node out.

options:
  --node NAME        the node in the manifest (required)
  --device IFNAME    a device for XDP and tcx programs (repeat for several)
  --cgroup PATH      the cgroup for socket programs (as for apply)
  --bpffs DIR        where the pins go (default /sys/fs/bpf/switchyard)
  --state DIR        where the snapshot of the last apply goes (default ${DEFAULT_STATE})
  --listen ADDR:PORT HTTP for /healthz, /readyz and /metrics (default ${DEFAULT_LISTEN}; :PORT for
                     every address, port 0 for any free port, printed at start)
  --address ADDR     where the healthCheckNodePorts listen (default: every address)
  --allow-downgrade  apply a manifest of an older generation than the one applied (a rollback)
  --no-verify        skip the WebAssembly verifier's pre-check (as for apply)`,

  status: `usage: switchyard-node status [--node NAME] [--bpffs DIR] [--state DIR]

Prints the applied manifest, each map (geometry, entries, and whether it still holds what the
last apply wrote) and each link (hook, program). Exits 3 when an apply was interrupted (run apply
again) or a map or hook drifted from the last apply (run apply --reconcile).`,

  dump: `usage: switchyard-node dump [MAP] [--node NAME] [--bpffs DIR] [--state DIR]

Prints every entry of the node's maps (or of MAP), sorted by key, decoded with the BTF types the
maps were created with; maps without BTF print as hex. --state is taken (and not read) so that
the flags naming a node are the same for every command.`,

  remove: `usage: switchyard-node remove [--node NAME] [--bpffs DIR] [--state DIR]

Detaches the node's programs (links first), unpins its maps and forgets its journal and
snapshot. Safe to run again.`,

  health: `usage: switchyard-node health DIR --node NAME [--address ADDR]

Serves, until stopped, the healthCheckNodePort of every service with externalTrafficPolicy:
Local in DIR (the generated/<cluster> directory applied on this node), as kube-proxy does for
external load balancers: HTTP 200 with the node's number of local endpoints in a JSON body, or
503 when the node has none (its datapath drops the service's traffic). The counts are read from
DIR on every request, so apply new artifacts there and the answers follow.

options:
  --node NAME        the node whose endpoints count (required)
  --address ADDR     listen on this address only (default: every address)`,
} as const;

export type Command = Exclude<keyof typeof usage, 'main'>;
