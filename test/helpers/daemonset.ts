// deploy/daemonset.yaml's two containers, read as the tests that hold the code to it need them:
// the agent's arguments, capabilities and seccomp profile, git-sync's flags.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface DeployedContainer {
  name: string;
  args: string[];
  securityContext: { capabilities: { drop: string[]; add: string[] }; seccompProfile?: { type: string } };
}

export function deployedContainers(): { agent: DeployedContainer; gitSync: DeployedContainer } {
  const ds = parse(readFileSync(join(process.cwd(), 'deploy', 'daemonset.yaml'), 'utf8')) as { spec: { template: { spec: { containers: DeployedContainer[] } } } };
  const containers = ds.spec.template.spec.containers;
  return { agent: containers.find((c) => c.name === 'switchyard-node')!, gitSync: containers.find((c) => c.name === 'git-sync')! };
}

/** The value of `--name=VALUE` in `c`'s arguments. */
export function flagValue(c: DeployedContainer, name: string): string | undefined {
  return c.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
