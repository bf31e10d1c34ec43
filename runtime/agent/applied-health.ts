// The agent's healthCheckNodePorts: those of the revision applied, opened and closed as
// revisions add and remove externalTrafficPolicy: Local services, and answered from the tables
// read when the revision was applied. Not from DIR (which may hold a refused revision), and not
// from the applied directory at request time either: git-sync deletes a revision's directory
// soon after publishing the next, and a refused next must not turn every answer into a 503.

import { healthResponse, HealthPorts, readHealth, type HealthService } from '../health.ts';

export class AppliedHealth {
  private readonly ports: HealthPorts;
  private services = new Map<number, HealthService>();

  constructor(
    private readonly node: string,
    address: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.ports = new HealthPorts((port) => {
      const s = this.services.get(port);
      return s ? healthResponse(s) : { status: 503, body: `no applied service has healthCheckNodePort ${port}\n` };
    }, address);
  }

  /** Follows the revision just applied from `target`; resolves when its ports listen. */
  async applied(target: string): Promise<void> {
    let list: HealthService[];
    try {
      list = readHealth(target, this.node);
    } catch (e) {
      this.log(`warning: ${(e as Error).message}; healthCheckNodePorts unchanged`);
      return;
    }
    this.services = new Map(list.map((s) => [s.port, s]));
    const { lines, errors } = await this.ports.update(list);
    for (const l of lines) this.log(l);
    for (const e of errors) this.log(`warning: ${e}; tried again at the next apply`);
  }

  close(): Promise<void> {
    return this.ports.close();
  }
}

