// The north-south core, one source for both families and for tc and XDP (the family leaves in
// lb4.ts / lb6.ts and ../family.ts, the context layers do the rest):
//
//   ingress: a known flow's service entry → translate as remembered, forward (one lookup)
//            a reply to a SNAT port → translate back to the frontend and client, forward
//            a DSR packet for a local pod → remember its frontend for the pod's replies, deliver
//            a new flow to a routable frontend → source ranges, backend choice (the LB core),
//              conntrack, then DNAT to a local backend, or SNAT / DSR to a remote one
//   egress:  replies of local backends (and DSR backends) → their source back to the frontend
//   ICMP errors quoting a translated packet, both ways: icmp-error.ts
//
// Everything else goes on to the kernel's stack untouched. IPv6's keys and values are larger:
// its new-flow and DSR paths are BPF-to-BPF calls of their own (`@noinline 6`), whose frames
// follow each other on the stack instead of adding up past 512 bytes; and so that a known flow's
// packet makes no call to send (a call and its return cost about 6 ns: docs/datapath.md), a
// packet no entry knows starts over in newIngress, in a frame that replaces ingress's.

import { IPPROTO_TCP, TCP_FLAG_SYN } from '../headers.ts';
import { Family, V4, V6 } from './family.ts';
import {
  affinityBackend,
  backend,
  backendIdAt,
  lookupService,
  maglevBackend,
  maglevSet,
  node_config,
  pickSlot,
  rememberAffinity,
  statsOf,
  SVC_LOCAL,
  SVC_ROUTABLE,
  SVC_SOURCE_RANGES,
  wantsAffinity,
} from '../lb/index.ts';
import { features } from './config.ts';
import { CT_DSR, CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT, FRAG_LATER, NEW_DROP, NEW_PASS, NEW_REJECT, NEW_TRANSLATE, PARSE_ICMP, PARSE_OK, SNAT_PORT_MIN, VERDICT_ICMP, VERDICT_NEW, VERDICT_REJECT, VERDICT_SEND } from './constants.ts';
import { ctCreate, ctKey, ctLive, ctTouch, lifetimeOf } from './conntrack.ts';
import { canSend, drop, emit, emitHop, pass, route } from './context.ts';
import { icmpEgress } from './icmp-error.ts';
import { cacheMacs } from './route-cache.ts';
import { nat } from './nat.ts';
import { allocateSnatPort } from './snat.ts';
import { ctNow } from './clock.ts';

/**
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use). IPv6 answers VERDICT_NEW for a packet no
 * entry knows (newIngress takes it).
 * @noinline
 */
export function ingress<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>): i32 {
  const f = zeroed<F['flow']>();
  const parsed = fam.parse(ctx, f);
  // ICMP is the caller's to hand to the ICMP error path: called from here, that function's
  // frame would sit on top of this one's, and the two with a sending path's exceed 512 bytes.
  if (parsed === PARSE_ICMP) return VERDICT_ICMP;
  if (parsed !== PARSE_OK) return pass(ctx);
  const now = ctNow();
  const t = zeroed<F['translation']>();
  const known = knownFlow(fam, f, now, t);
  if (!known) {
    // IPv6's sending path is inlined here: the new-flow path's calls on top of this frame would
    // exceed 512 bytes.
    if (isV6(fam)) return VERDICT_NEW;
    const r = unknownFlow(ctx, fam, f, now, t);
    if (r !== VERDICT_SEND) return r;
  }
  // One place translates and sends, whichever way the translation was found: the verifier
  // walks it once per distinct state, not once per path that led here.
  return send(ctx, fam, f, t, known);
}

/**
 * IPv6's packets that ingress found no entry for: parsed again (as TCP or UDP, a moment ago) in
 * a frame of their own, then DSR arrivals and new flows as ingress takes IPv4's; sent by a call.
 * VERDICT_REJECT goes back to the entry (ingress.ts), whose frame the reply's replaces.
 * @noinline
 */
export function newIngress<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>): i32 {
  const f = zeroed<F['flow']>();
  if (fam.parse(ctx, f) !== PARSE_OK) return pass(ctx);
  const t = zeroed<F['translation']>();
  const r = unknownFlow(ctx, fam, f, ctNow(), t);
  if (r !== VERDICT_SEND) return r;
  return sendFramed(ctx, fam, f, t, null);
}

/**
 * A packet no entry knows: a DSR arrival for a local pod, or a new flow. VERDICT_SEND: `t` says
 * how to translate it; anything else is the verdict.
 * @inline
 */
function unknownFlow<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], now: u64, t: F['translation']): i32 {
  if (fam.mayCarryDsr(f)) {
    const opt = fam.readDsr(ctx);
    if (opt) return acceptDsr(ctx, fam, f, opt.addr, opt.port, now);
  }
  const r = newFlow(fam, f, now, t);
  if (r === NEW_DROP) return drop(ctx);
  if (r === NEW_PASS) return pass(ctx);
  if (r === NEW_REJECT) return VERDICT_REJECT;
  return VERDICT_SEND;
}

/**
 * The translation of a known flow: its service entry, or for a reply to a SNAT port the reply
 * entry (returned, for the route cache). Only lookups (and a rare lifetime write): a known flow's
 * packets take no lock.
 */
function knownFlow<F extends V4 | V6>(fam: Family<F>, f: F['flow'], now: u64, t: F['translation']): F['ctValue'] | null {
  const known = ctLive(fam, ctKey(fam, f, CT_SERVICE), f, now);
  if (known) {
    ctTouch(fam, known, f, now);
    fromEntry(fam, t, known);
    return known;
  }
  if (ntohs(f.dport) < SNAT_PORT_MIN) return null;
  const reply = ctLive(fam, ctKey(fam, f, CT_REPLY), f, now);
  if (!reply || (reply.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return null;
  ctTouch(fam, reply, f, now);
  fromEntry(fam, t, reply);
  return reply;
}

/** @inline */
function fromEntry<F extends V4 | V6>(fam: Family<F>, t: F['translation'], e: F['ctValue']): bool {
  t.saddr = e.src_addr;
  t.daddr = e.dst_addr;
  t.sport = e.src_port;
  t.dport = e.dst_port;
  t.flags = e.flags;
  return true;
}

/**
 * send in a frame of its own, for newIngress (inlined on top of newFlow's frame, it would exceed
 * 512 bytes). `known` (null there) is a parameter: a literal null would be folded into send's
 * `known.ifindex` behind the `!known ||` that guards it, which the compiler refuses (SY3026).
 * @noinline
 */
function sendFramed<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], t: F['translation'], known: F['ctValue'] | null): i32 {
  return send(ctx, fam, f, t, known);
}

/**
 * The packet translated as `t` says and sent on: to a local pod, or out (SNAT, DSR, replies).
 * `known`: the flow's entry, whose cached next hop spares the FIB lookup (a new flow has none).
 * Inlined, in ingress (no call on a known flow's path) and in IPv6's sendFramed.
 * @inline
 */
function send<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], t: F['translation'], known: F['ctValue'] | null): i32 {
  const local = (t.flags & CT_LOCAL) !== 0;
  // The next hop the entry cached (route-cache.ts): no FIB lookup, and the MACs go from the
  // entry straight into the frame (not through a bpf_fib_lookup struct first).
  if (known && known.ifindex !== 0) {
    if (translate(ctx, fam, f, t, local) !== 0) return drop(ctx);
    return emitHop(ctx, known.ifindex, known.dmac, known.smac, local);
  }
  const fib = zeroed<BpfFibLookup>();
  const rc = route(ctx, fam, fib, t.saddr, t.daddr, local);
  if (known && rc === BPF_FIB_LKUP_RET_SUCCESS) {
    cacheMacs(fib, known.dmac, known.smac);
    known.ifindex = fib.ifindex;
  }
  if (!canSend(ctx, rc)) return pass(ctx);
  if (translate(ctx, fam, f, t, local) !== 0) return drop(ctx);
  return emit(ctx, fam, fib, rc, local);
}

/**
 * The packet rewritten as `t` says, and the DSR option added where the flow wants one; 0, or -1
 * (cut short, TTL spent, no room). What leaves the node has its TTL or hop limit taken down by
 * nat(), with the checksum it updates anyway (the DSR option recomputes the IPv4 header's
 * checksum whole).
 * @inline
 */
function translate<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], t: F['translation'], local: bool): i32 {
  // Kept before nat() rewrites f: the DSR option carries the frontend the client used.
  const frontend: F['addr'] = f.daddr;
  const frontendPort = f.dport;
  const to: F['nat'] = { ...zeroed<F['nat']>(), saddr: t.saddr, daddr: t.daddr, sport: t.sport, dport: t.dport };
  if (nat(ctx, fam, f, to, !local) !== 0) return -1;
  if (local) return 0;
  // IPv6's header goes right behind the fixed header, so only into packets without extension
  // headers (a flow that opened without them has its entry at the backend's node already);
  // IPv4's option is added to the header whatever it holds.
  const fits = !isV6(fam) || fam.dsrOptionFits(f);
  if ((t.flags & CT_DSR) !== 0 && fits && carriesDsrOption(fam, f) && fam.pushDsr(ctx, frontend, frontendPort) < 0) return -1;
  return 0;
}

/**
 * Which packets of a DSR flow carry the option: what opens a flow (TCP SYN) and every UDP
 * datagram (no handshake tells which is first). A TCP flow's later packets need none: the
 * backend's node has its entry from the SYN, and small SYNs never hit the MTU.
 */
function carriesDsrOption<F extends V4 | V6>(fam: Family<F>, f: F['flow']): bool {
  return f.protocol !== IPPROTO_TCP || (f.tcpFlags & TCP_FLAG_SYN) !== 0;
}

/**
 * A new flow to a frontend: source ranges, a backend (the LB core: affinity, then a random
 * slot), conntrack entries for it and its replies; `t` says how to translate. NEW_PASS: not a
 * routable frontend.
 * @noinline 6
 */
function newFlow<F extends V4 | V6>(fam: Family<F>, f: F['flow'], now: u64, t: F['translation']): i32 {
  const key: F['svcKey'] = { ...zeroed<F['svcKey']>(), address: f.daddr, port: f.dport, protocol: f.protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService(fam.lb, key, false);
  if (!svc || (svc.flags & SVC_ROUTABLE) === 0) return NEW_PASS;
  if ((svc.flags & SVC_SOURCE_RANGES) !== 0 && !sourceAllowed(fam, svc.rev_nat_id, f)) return NEW_DROP;
  // A later fragment of a flow nobody saw the first fragment of cannot be placed.
  if (f.fragment === FRAG_LATER) return NEW_DROP;

  const affinity = wantsAffinity(svc);
  const clock = affinity ? bpf_ktime_get_ns() : 0;
  const client: F['affinityKey'] = { ...zeroed<F['affinityKey']>(), client: fam.affinityClient(f), service_id: svc.service_id, netns: 0 };
  let id: u32 = 0;
  if (affinity) id = affinityBackend(fam.lb, client, svc, clock);
  if (id === 0) {
    // Maglev: the same flow picks the same backend on every node (packets of one flow may reach
    // any node an external balancer chooses); random otherwise, the flow kept by conntrack.
    if (features.algorithmMaglev) id = maglevBackend(svc.service_id, maglevSet(svc), fam.ipVersion, fam.flowHash(f));
    else id = backendIdAt(fam.lb, key, pickSlot(svc, bpf_get_prandom_u32()));
  }
  const be = id !== 0 ? backend(fam.lb, id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) atomicAdd(st, 'no_backend', 1);
    // kube-proxy rejects a connection to a service without endpoints (reject4.ts answers) and
    // drops one that only lacks a local endpoint. An empty Local set cannot tell the two
    // apart: it stays a drop.
    return (svc.flags & SVC_LOCAL) !== 0 ? NEW_DROP : NEW_REJECT;
  }
  if (affinity) rememberAffinity(fam.lb, client, id, clock);

  // Entries hold the whole translated 4-tuple, so translating is straight-line code.
  const e: F['ctValue'] = { ...zeroed<F['ctValue']>(), expires: now + lifetimeOf(fam, f), backend_id: id, rev_nat_id: svc.rev_nat_id, src_addr: f.saddr, dst_addr: be.address, src_port: f.sport, dst_port: be.port };
  // The reply's tuple and how to turn it back: its source becomes the frontend the client used.
  const replyKey: F['ctKey'] = { ...zeroed<F['ctKey']>(), saddr: be.address, daddr: f.saddr, sport: be.port, dport: f.sport, protocol: f.protocol, flags: CT_REPLY, pad: 0 };
  const reply: F['ctValue'] = { ...zeroed<F['ctValue']>(), expires: e.expires, backend_id: id, rev_nat_id: svc.rev_nat_id, src_addr: f.daddr, dst_addr: f.saddr, src_port: f.dport, dst_port: f.sport };
  if (fam.isLocal(be.address)) {
    e.flags = CT_LOCAL;
    reply.flags = CT_LOCAL | CT_EGRESS;
    ctCreate(fam, replyKey, reply);
  } else if (features.forwardingDsr && fam.dsrOptionFits(f)) {
    // Packets with IPv4 options or IPv6 extension headers go by SNAT.
    e.flags = CT_DSR;
  } else {
    const node = node_config.lookup(0);
    if (!node || fam.nodeAddressCount(node) === 0) return NEW_DROP;
    const nodeAddr = fam.nodeAddress(node);
    replyKey.daddr = nodeAddr;
    reply.flags = CT_SNAT;
    const port = allocateSnatPort(fam, replyKey, reply, now);
    if (port === be16(0)) {
      // Every port tried toward this backend is held: counted, as no_backend is, per service.
      if (st) atomicAdd(st, 'snat_full', 1);
      return NEW_DROP;
    }
    e.flags = CT_SNAT;
    e.src_addr = nodeAddr;
    e.src_port = port;
  }
  // Counted once the flow is sure to be translated (a flow without a SNAT port is not).
  if (st) atomicAdd(st, 'translations', 1);
  ctCreate(fam, ctKey(fam, f, CT_SERVICE), e);
  return fromEntry(fam, t, e) ? NEW_TRANSLATE : NEW_DROP;
}

/**
 * At the backend's node: a DSR packet for one of this node's pods. Its frontend is remembered
 * under the reply's tuple (looked up first: only a new or changed frontend writes), so the
 * egress program can give the pod's replies that source; then the packet goes to the pod.
 * @noinline 6
 */
function acceptDsr<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, f: F['flow'], addr: F['addr'], port: be16, now: u64): i32 {
  if (!fam.isLocal(f.daddr)) return pass(ctx);
  const key: F['ctKey'] = { ...zeroed<F['ctKey']>(), saddr: f.daddr, daddr: f.saddr, sport: f.dport, dport: f.sport, protocol: f.protocol, flags: CT_REPLY, pad: 0 };
  const known = ctLive(fam, key, f, now);
  if (known && fam.lb.sameAddress(known.src_addr, addr) && known.src_port === port) ctTouch(fam, known, f, now);
  else ctCreate(fam, key, { ...zeroed<F['ctValue']>(), expires: now + lifetimeOf(fam, f), flags: CT_DSR | CT_EGRESS, src_addr: addr, dst_addr: f.saddr, src_port: port, dst_port: f.sport });
  // Delivered as it is (option or header and all: Linux ignores options it does not know).
  const fib = zeroed<BpfFibLookup>();
  const rc = route(ctx, fam, fib, f.saddr, f.daddr, true);
  if (!canSend(ctx, rc)) return pass(ctx);
  return emit(ctx, fam, fib, rc, true);
}

/**
 * Replies leaving the node: those of local backends (and DSR backends) take the frontend's source.
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use).
 * @noinline
 */
export function egress<F extends V4 | V6>(ctx: SkBuff, fam: Family<F>): i32 {
  const f = zeroed<F['flow']>();
  const parsed = fam.parse(ctx, f);
  if (parsed === PARSE_ICMP) return icmpEgress(ctx, fam, f);
  if (parsed !== PARSE_OK) return TC_ACT_OK;
  const now = ctNow();
  const e = ctLive(fam, ctKey(fam, f, CT_REPLY), f, now);
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  ctTouch(fam, e, f, now);
  const to: F['nat'] = { ...zeroed<F['nat']>(), saddr: e.src_addr, daddr: e.dst_addr, sport: e.src_port, dport: e.dst_port };
  nat(ctx, fam, f, to, false);
  return TC_ACT_OK;
}

/** loadBalancerSourceRanges: the client's address within one of the frontend's CIDRs. */
function sourceAllowed<F extends V4 | V6>(fam: Family<F>, revNatId: u16, f: F['flow']): bool {
  // The LPM prefix: 32 bits of rev_nat_id and pad, then the whole address.
  const hit = fam.lb.sourceRanges.lookup({ ...zeroed<F['srcRangeKey']>(), prefixlen: fam.lb.srcRangePrefix, rev_nat_id: revNatId, pad: 0, address: f.saddr });
  return hit !== null && hit.allowed === 1;
}
