// North-south load balancing on XDP, end to end: NodePort (remote backend by SNAT and XDP_TX,
// local backend by redirect into its veth), LoadBalancer IP with source ranges, ExternalIP, HostPort on its node
// only, externalTrafficPolicy Local with the health endpoint, a long-lived connection across an
// apply that adds backends, DSR, and Maglev (HostPort included). The scenarios are in nodeport-scenarios.ts.

import { kernelTest } from '../helpers/kernel.ts';
import { dsrScenario, HAIRPIN_TOOLS, hairpinScenario, icmpScenario, ipv6Scenario, maglevScenario, SCENARIO_TOOLS, snatScenario } from './nodeport-scenarios.ts';

kernelTest('xdp: every frontend type from outside the cluster, SNAT to remote backends', (t) => snatScenario(t, 'xdp'), SCENARIO_TOOLS);
kernelTest('xdp: DSR: the backend sees the client, replies bypass the load-balancing node', (t) => dsrScenario(t, 'xdp'), SCENARIO_TOOLS);
kernelTest('xdp: IPv6 NodePort: a remote backend by SNAT, a local one with the client\'s address', (t) => ipv6Scenario(t, 'xdp'), SCENARIO_TOOLS);
kernelTest('xdp: hairpin mode: remote traffic goes back to the router it came from, XDP_TX without a FIB lookup', (t) => hairpinScenario(t, 'xdp'), HAIRPIN_TOOLS);
kernelTest('xdp: ICMP errors through SNAT and from a local backend: ECONNREFUSED, path MTU discovery', (t) => icmpScenario(t, 'xdp'), SCENARIO_TOOLS);
kernelTest('xdp: Maglev: NodePort flows reach every backend, and a HostPort reaches its pod', (t) => maglevScenario(t, 'xdp'), SCENARIO_TOOLS);
