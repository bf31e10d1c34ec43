// isXdp(ctx): context-generic code chooses its context's layer at compile time. The branch for
// the other context is never lowered, so it may call helpers that program type lacks (the tc
// branch below uses bpf_redirect_neigh, which XDP programs cannot call), and TypeScript narrows
// the context in each branch. Both programs load and run in the kernel.

import test from 'ava';
import { kernelTest } from '../helpers/kernel.ts';
import { compile, compileOk, load } from './helpers.ts';
import { ipv4Udp } from './packets.ts';

const source = `
function layer(ctx: XdpMd | SkBuff): i64 {
  if (isXdp(ctx)) return xdpOnly(ctx);
  return tcOnly(ctx);
}

function xdpOnly(ctx: XdpMd): i64 {
  return i64(ctx.ingress_ifindex) * 0 + 7;
}

function tcOnly(ctx: SkBuff): i64 {
  if (ctx.mark === 12345) return bpf_redirect_neigh(1, null, 0, 0);
  return 9;
}

/** @section xdp */
export function on_xdp(ctx: XdpMd): u32 {
  return layer(ctx) === 7 ? XDP_TX : XDP_DROP;
}

/** @section tc */
export function on_tc(ctx: SkBuff): i32 {
  return layer(ctx) === 9 ? TC_ACT_OK : TC_ACT_SHOT;
}
`;

test('the branch for the other context is not lowered: no SY3061 for a tc helper in XDP', (t) => {
  const r = compileOk(t, source);
  t.deepEqual(r.programs.map((p) => p.name).sort(), ['on_tc', 'on_xdp']);
  const listingOf = (name: string) => JSON.stringify(r.object.programs.find((p) => p.name === name)?.items);
  t.notRegex(listingOf('on_xdp'), /redirect_neigh/);
  t.regex(listingOf('on_tc'), /redirect_neigh/);
});

test('isXdp of something else than the context is refused', (t) => {
  const r = compile(`
/** @section xdp */
export function p(ctx: XdpMd): u32 {
  const n: u32 = 1;
  return isXdp(n) ? XDP_PASS : XDP_DROP;
}
`);
  t.true(r.diagnostics.some((d) => d.severity === 'error'), 'a u32 is not a context');
  t.is(r.programs.length, 0);
});

kernelTest('each program runs its own layer in the kernel', (t) => {
  const r = compileOk(t, source);
  const frame = ipv4Udp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 1000, dport: 53 });
  t.is(load(t, r, 'on_xdp').run(frame).retval, 3);
  t.is(load(t, r, 'on_tc').run(frame).retval, 0);
});
