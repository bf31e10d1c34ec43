// North-south load balancing on tc, end to end: NodePort (remote backend by SNAT, local backend
// by bpf_redirect_peer), LoadBalancer IP with source ranges, ExternalIP, HostPort on its node
// only, externalTrafficPolicy Local with the health endpoint, a long-lived connection across an
// apply that adds backends, DSR, and Maglev (HostPort included). The scenarios are in nodeport-scenarios.ts.

import { kernelTest } from '../helpers/kernel.ts';
import { dsrScenario, HAIRPIN_TOOLS, hairpinScenario, icmpScenario, ipv6Scenario, maglevScenario, SCENARIO_TOOLS, snatScenario } from './nodeport-scenarios.ts';

kernelTest('tc: every frontend type from outside the cluster, SNAT to remote backends', (t) => snatScenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('tc: DSR: the backend sees the client, replies bypass the load-balancing node', (t) => dsrScenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('tc: IPv6 NodePort: a remote backend by SNAT, a local one with the client\'s address', (t) => ipv6Scenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('tc: hairpin mode: remote traffic goes back to the router it came from, without a FIB lookup', (t) => hairpinScenario(t, 'tc'), HAIRPIN_TOOLS);
kernelTest('tc: ICMP errors through SNAT and from a local backend: ECONNREFUSED, path MTU discovery', (t) => icmpScenario(t, 'tc'), SCENARIO_TOOLS);
kernelTest('tc: Maglev: NodePort flows reach every backend, and a HostPort reaches its pod', (t) => maglevScenario(t, 'tc'), SCENARIO_TOOLS);
