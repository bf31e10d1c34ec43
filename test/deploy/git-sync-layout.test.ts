// The DaemonSet's agent follows git-sync as deploy/daemonset.yaml wires them: DIR is
// <--root>/<--link>/generated/<cluster>, and git-sync publishes a commit by checking it out into a
// new worktree, renaming a new <--link> symlink over the old one, then deleting the old worktree.
// The swap happens above DIR's parent; the agent still applies the new commit, without a restart.

import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { deployedContainers, flagValue } from '../helpers/daemonset.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { eventually, startAgent } from '../runtime/agent-process.ts';
import { socklbArtifacts } from '../runtime/socklb-artifacts.ts';

/** The agent's DIR and git-sync's --root and --link, from the DaemonSet. */
function layout(cluster: string): { dir: string; root: string; link: string } {
  const { agent, gitSync } = deployedContainers();
  return { dir: agent.args[1]!.replace('$(SWITCHYARD_CLUSTER)', cluster), root: flagValue(gitSync, 'root')!, link: flagValue(gitSync, 'link')! };
}

kernelTest("the agent applies each commit git-sync publishes through the DaemonSet's link", async (t) => {
  const { dir, root, link } = layout('c1');
  t.true(dir.startsWith(`${root}/${link}/generated/`), dir);
  const git = tempDir(t, 'sy-git-');
  const bpffs = mountBpffs(t);
  const cg = createCgroup(t, 'sy-gitsync');
  /** A worktree of one commit, holding generated/c1 with `addr` as the one backend. */
  const commit = (name: string, addr: string) => {
    const tree = join(git, '.worktrees', name);
    mkdirSync(join(tree, 'generated'), { recursive: true });
    socklbArtifacts(join(tree, 'generated', 'c1'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr, port: 8001 }], { sockOnly: true });
    return tree;
  };
  const publish = (tree: string) => {
    symlinkSync(tree, join(git, `${link}.tmp`));
    renameSync(join(git, `${link}.tmp`), join(git, link));
  };

  const first = commit('aaaa', '127.0.0.1');
  publish(first);
  const agentDir = join(git, dir.slice(root.length));
  const agent = await startAgent(t, [agentDir, '--node', 'n1', '--cgroup', cg.relative, '--bpffs', join(bpffs, 'sy'), '--state', join(git, '.state')]);
  const readyOn = (tree: string) => async () => {
    const r = await agent.get('/readyz');
    return r.status === 200 && r.body.includes(join(tree, 'generated', 'c1')) ? r.body : undefined;
  };
  await eventually(agent, 'the first commit applied', readyOn(first));

  const second = commit('bbbb', '127.0.0.2');
  publish(second);
  rmSync(first, { recursive: true, force: true }); // git-sync removes the worktree it replaced
  t.regex(await eventually(agent, 'the second commit applied', readyOn(second)), /^ready/);
  t.is((await agent.get('/healthz')).status, 200);
});
