// How a packet test is declared: in the kernel, one after another (the process's main thread
// joins each test's namespace), and gated on the tools that build that namespace.

import type { ExecutionContext } from 'ava';
import { kernelTestSerial } from '../helpers/kernel.ts';
import { PACKET_NETNS_TOOLS } from './harness.ts';

export function packetTest(title: string, impl: (t: ExecutionContext) => unknown): void {
  kernelTestSerial(title, impl, PACKET_NETNS_TOOLS);
}
