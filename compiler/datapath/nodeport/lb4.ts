// The IPv4 north-south core, one source for tc and XDP (the context layers do the rest):
//
//   ingress: a known flow's service entry → translate as remembered, forward (one lookup)
//            a reply to a SNAT port → translate back to the frontend and client, forward
//            a DSR packet for a local pod → remember its frontend for the pod's replies, deliver
//            a new flow to a routable frontend → source ranges, backend choice (the LB core),
//              conntrack, then DNAT to a local backend, or SNAT / DSR to a remote one
//   egress:  replies of local backends (and DSR backends) → their source back to the frontend
//   ICMP errors quoting a translated packet, both ways: icmp-error4.ts
//
// Everything else goes on to the kernel's stack untouched.

import { IPPROTO_TCP, TCP_FLAG_SYN } from '../headers.ts';
import {
  affinityBackend4,
  backend4,
  backendIdAt4,
  ct4_key,
  ct4_value,
  lb4_affinity_key,
  lb4_key,
  lb4_source_ranges,
  lookupService4,
  maglevBackend,
  maglevSet,
  node_config,
  pickSlot,
  rememberAffinity4,
  statsOf,
  SVC_ROUTABLE,
  SVC_SOURCE_RANGES,
  wantsAffinity,
} from '../lb/index.ts';
import { features } from './config.ts';
import { CT_DSR, CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT, FRAG_LATER, NEW_DROP, NEW_PASS, NEW_TRANSLATE, PARSE_ICMP, PARSE_OK, SNAT_PORT_MIN, VERDICT_ICMP } from './constants.ts';
import { ctCreate, ctKey, ctLive, ctTouch, lifetimeOf } from './conntrack.ts';
import { v4 } from '../family.ts';
import { canSend, drop, emit4, pass, route4 } from './context.ts';
import { pushDsr4, readDsr4 } from './dsr4.ts';
import { Flow4 } from './flow.ts';
import { cachedHop, cacheMacs } from './route-cache.ts';
import { icmpEgress4 } from './icmp-error4.ts';
import { nat } from './nat.ts';
import { decrementTtl4, Nat4 } from './nat4.ts';
import { parse4 } from './parse4.ts';
import { allocateSnatPort } from './snat.ts';

/** How one packet is to be translated and sent, from its flow's conntrack entry. */
interface Translation4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  flags: u16;
  pad: u16;
}

/**
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use).
 * @noinline
 */
export function ingress4(ctx: XdpMd | SkBuff): i32 {
  const f = zeroed<Flow4>();
  const parsed = parse4(ctx, f);
  // ICMP is the caller's to hand to icmpIngress4: called from here, that function's frame
  // would sit on top of this one's, and the two with a sending path's exceed 512 bytes.
  if (parsed === PARSE_ICMP) return VERDICT_ICMP;
  if (parsed !== PARSE_OK) return pass(ctx);
  const now = bpf_jiffies64();
  const t = zeroed<Translation4>();
  const known = knownFlow4(f, now, t);
  if (!known) {
    if (f.ihl > 5) {
      const opt = readDsr4(ctx);
      if (opt) return acceptDsr4(ctx, f, opt.addr, opt.port, now);
    }
    const r = newFlow4(f, now, t);
    if (r === NEW_DROP) return drop(ctx);
    if (r === NEW_PASS) return pass(ctx);
  }
  // One place translates and sends, whichever way the translation was found: the verifier
  // walks it once per distinct state, not once per path that led here.
  return send4(ctx, f, t, known);
}

/**
 * The translation of a known flow: its service entry, or for a reply to a SNAT port the reply
 * entry (returned, for the route cache). Only lookups (and a rare lifetime write): a known flow's
 * packets take no lock.
 */
function knownFlow4(f: Flow4, now: u64, t: Translation4): ct4_value | null {
  const known = ctLive(v4, ctKey(v4, f, CT_SERVICE), f, now);
  if (known) {
    ctTouch(v4, known, f, now);
    fromEntry4(t, known);
    return known;
  }
  if (ntohs(f.dport) < SNAT_PORT_MIN) return null;
  const reply = ctLive(v4, ctKey(v4, f, CT_REPLY), f, now);
  if (!reply || (reply.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return null;
  ctTouch(v4, reply, f, now);
  fromEntry4(t, reply);
  return reply;
}

/** @inline */
function fromEntry4(t: Translation4, e: ct4_value): bool {
  t.saddr = e.src_addr;
  t.daddr = e.dst_addr;
  t.sport = e.src_port;
  t.dport = e.dst_port;
  t.flags = e.flags;
  return true;
}

/**
 * The packet translated as `t` says and sent on: to a local pod, or out (SNAT, DSR, replies).
 * `known`: the flow's entry, whose cached next hop spares the FIB lookup (a new flow has none).
 */
function send4(ctx: XdpMd | SkBuff, f: Flow4, t: Translation4, known: ct4_value | null): i32 {
  const local = (t.flags & CT_LOCAL) !== 0;
  const fib = zeroed<BpfFibLookup>();
  let rc: i64 = BPF_FIB_LKUP_RET_SUCCESS;
  if (!known || !cachedHop(known.ifindex, known.dmac, known.smac, fib)) {
    rc = route4(ctx, fib, t.saddr, t.daddr, local);
    if (known && rc === BPF_FIB_LKUP_RET_SUCCESS) {
      cacheMacs(fib, known.dmac, known.smac);
      known.ifindex = fib.ifindex;
    }
  }
  if (!canSend(ctx, rc)) return pass(ctx);
  const frontend = f.daddr;
  const frontendPort = f.dport;
  const to: Nat4 = { saddr: t.saddr, daddr: t.daddr, sport: t.sport, dport: t.dport };
  if (nat(ctx, v4, f, to) !== 0) return drop(ctx);
  if (!local) {
    if ((t.flags & CT_DSR) !== 0 && carriesDsrOption(f) && pushDsr4(ctx, frontend, frontendPort) < 0) return drop(ctx);
    if (decrementTtl4(ctx) !== 0) return drop(ctx);
  }
  return emit4(ctx, fib, rc, local);
}

/**
 * Which packets of a DSR flow carry the option: what opens a flow (TCP SYN) and every UDP
 * datagram (no handshake tells which is first). A TCP flow's later packets need none: the
 * backend's node has its entry from the SYN, and small SYNs never hit the MTU.
 */
function carriesDsrOption(f: Flow4): bool {
  return f.protocol !== IPPROTO_TCP || (f.tcpFlags & TCP_FLAG_SYN) !== 0;
}

/**
 * A new flow to a frontend: source ranges, a backend (the LB core: affinity, then a random
 * slot), conntrack entries for it and its replies; `t` says how to translate. NEW_PASS: not a
 * routable frontend.
 */
function newFlow4(f: Flow4, now: u64, t: Translation4): i32 {
  const key: lb4_key = { address: f.daddr, port: f.dport, protocol: f.protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService4(key, false);
  if (!svc || (svc.flags & SVC_ROUTABLE) === 0) return NEW_PASS;
  if ((svc.flags & SVC_SOURCE_RANGES) !== 0 && !sourceAllowed4(svc.rev_nat_id, f.saddr)) return NEW_DROP;
  // A later fragment of a flow nobody saw the first fragment of cannot be placed.
  if (f.fragment === FRAG_LATER) return NEW_DROP;

  const affinity = wantsAffinity(svc);
  const clock = affinity ? bpf_ktime_get_ns() : 0;
  const client: lb4_affinity_key = { client: u64(ntohl(f.saddr)), service_id: svc.service_id, netns: 0, pad: [0, 0, 0, 0, 0] };
  let id: u32 = 0;
  if (affinity) id = affinityBackend4(client, svc, clock);
  if (id === 0) {
    // Maglev: the same flow picks the same backend on every node (packets of one flow may reach
    // any node an external balancer chooses); random otherwise, the flow kept by conntrack.
    if (features.algorithmMaglev) id = maglevBackend(svc.service_id, maglevSet(svc), 4, flowHash4(f));
    else id = backendIdAt4(key, pickSlot(svc, bpf_get_prandom_u32()));
  }
  const be = id !== 0 ? backend4(id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) atomicAdd(st, 'no_backend', 1);
    return NEW_DROP;
  }
  if (st) atomicAdd(st, 'translations', 1);
  if (affinity) rememberAffinity4(client, id, clock);

  // Entries hold the whole translated 4-tuple, so translating is straight-line code.
  const e: ct4_value = { ...zeroed<ct4_value>(), lifetime: now + lifetimeOf(v4, f), backend_id: id, rev_nat_id: svc.rev_nat_id, src_addr: f.saddr, dst_addr: be.address, src_port: f.sport, dst_port: be.port };
  // The reply's tuple and how to turn it back: its source becomes the frontend the client used.
  const replyKey: ct4_key = { saddr: be.address, daddr: f.saddr, sport: be.port, dport: f.sport, protocol: f.protocol, flags: CT_REPLY, pad: 0 };
  const reply: ct4_value = { ...zeroed<ct4_value>(), lifetime: e.lifetime, backend_id: id, rev_nat_id: svc.rev_nat_id, src_addr: f.daddr, dst_addr: f.saddr, src_port: f.dport, dst_port: f.sport };
  if (isLocal4(be.address)) {
    e.flags = CT_LOCAL;
    reply.flags = CT_LOCAL | CT_EGRESS;
    ctCreate(v4, replyKey, reply);
  } else if (features.forwardingDsr && f.ihl === 5) {
    e.flags = CT_DSR;
  } else {
    const node = node_config.lookup(0);
    if (!node || node.ipv4_count === 0) return NEW_DROP;
    const nodeAddr = node.ipv4[0];
    replyKey.daddr = nodeAddr;
    reply.flags = CT_SNAT;
    const port = allocateSnatPort(v4, replyKey, reply);
    if (port === be16(0)) return NEW_DROP;
    e.flags = CT_SNAT;
    e.src_addr = nodeAddr;
    e.src_port = port;
  }
  ctCreate(v4, ctKey(v4, f, CT_SERVICE), e);
  return fromEntry4(t, e) ? NEW_TRANSLATE : NEW_DROP;
}

/**
 * At the backend's node: a DSR packet for one of this node's pods. Its frontend is remembered
 * under the reply's tuple (looked up first: only a new or changed frontend writes), so the
 * egress program can give the pod's replies that source; then the packet goes to the pod.
 */
function acceptDsr4(ctx: XdpMd | SkBuff, f: Flow4, addr: be32, port: be16, now: u64): i32 {
  if (!isLocal4(f.daddr)) return pass(ctx);
  const key: ct4_key = { saddr: f.daddr, daddr: f.saddr, sport: f.dport, dport: f.sport, protocol: f.protocol, flags: CT_REPLY, pad: 0 };
  const known = ctLive(v4, key, f, now);
  if (known && known.src_addr === addr && known.src_port === port) ctTouch(v4, known, f, now);
  else ctCreate(v4, key, { ...zeroed<ct4_value>(), lifetime: now + lifetimeOf(v4, f), flags: CT_DSR | CT_EGRESS, src_addr: addr, dst_addr: f.saddr, src_port: port, dst_port: f.sport });
  // Delivered as it is (option and all: Linux ignores options it does not know).
  const fib = zeroed<BpfFibLookup>();
  const rc = route4(ctx, fib, f.saddr, f.daddr, true);
  if (!canSend(ctx, rc)) return pass(ctx);
  return emit4(ctx, fib, rc, true);
}

/**
 * Replies leaving the node: those of local backends (and DSR backends) take the frontend's source.
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use).
 * @noinline
 */
export function egress4(ctx: SkBuff): i32 {
  const f = zeroed<Flow4>();
  const parsed = parse4(ctx, f);
  if (parsed === PARSE_ICMP) return icmpEgress4(ctx, f);
  if (parsed !== PARSE_OK) return TC_ACT_OK;
  const now = bpf_jiffies64();
  const e = ctLive(v4, ctKey(v4, f, CT_REPLY), f, now);
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  ctTouch(v4, e, f, now);
  const to: Nat4 = { saddr: e.src_addr, daddr: e.dst_addr, sport: e.src_port, dport: e.dst_port };
  nat(ctx, v4, f, to);
  return TC_ACT_OK;
}

/** A hash of the 5-tuple, the same on every node (MurmurHash3's mixing steps). */
function flowHash4(f: Flow4): u32 {
  let h: u32 = ntohl(f.saddr) * 0xcc9e2d51;
  h = ((h << 15) | (h >> 17)) * 0x1b873593;
  h = h ^ ntohl(f.daddr);
  h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64;
  h = h ^ ((u32(ntohs(f.sport)) << 16) | u32(ntohs(f.dport)));
  h = h ^ u32(f.protocol);
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return h ^ (h >> 16);
}

/** Whether `addr` is in this node's pod CIDR (node_config): a local backend. */
function isLocal4(addr: be32): bool {
  const node = node_config.lookup(0);
  if (!node || node.pod_prefix4 === 0) return false;
  const mask = u32(0xffffffff) << (32 - u32(node.pod_prefix4));
  return (ntohl(addr) & mask) === ntohl(node.pod_cidr4);
}

/** loadBalancerSourceRanges: the client's address within one of the frontend's CIDRs. */
function sourceAllowed4(revNatId: u16, saddr: be32): bool {
  const hit = lb4_source_ranges.lookup({ prefixlen: 64, rev_nat_id: revNatId, pad: 0, address: saddr });
  return hit !== null && hit.allowed === 1;
}
