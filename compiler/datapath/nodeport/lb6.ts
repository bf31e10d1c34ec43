// The IPv6 north-south core: lb4.ts's paths with 128-bit addresses. Known flows by their service
// entry, SNAT replies by their reply entry, DSR arrivals by their Destination Options header,
// new flows through the LB core; egress gives replies of local and DSR backends the frontend as
// source; ICMPv6 errors quoting a translated packet in icmp-error6.ts. No header checksum, a hop
// limit instead of a TTL; extension headers walked and fragments followed (parse6.ts).

import { IPPROTO_TCP, TCP_FLAG_SYN } from '../headers.ts';
import {
  affinityBackend6,
  backend6,
  backendIdAt6,
  ct6_key,
  ct6_value,
  lb6_affinity_key,
  lb6_key,
  lb6_source_ranges,
  lb6_src_range_key,
  lookupService6,
  maglevBackend,
  maglevSet,
  node_config,
  pickSlot,
  rememberAffinity6,
  statsOf,
  SVC_ROUTABLE,
  SVC_SOURCE_RANGES,
  wantsAffinity,
} from '../lb/index.ts';
import { features } from './config.ts';
import { CT_DSR, CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT, FRAG_LATER, NEW_DROP, NEW_PASS, NEW_TRANSLATE, PARSE_ICMP, PARSE_OK, SNAT_PORT_MIN, VERDICT_ICMP } from './constants.ts';
import { ctCreate, ctKey, ctLive, ctTouch, lifetimeOf } from './conntrack.ts';
import { v6 } from '../family.ts';
import { canSend, drop, emit6, pass, route6 } from './context.ts';
import { pushDsr6, readDsr6 } from './dsr6.ts';
import { Flow6 } from './flow.ts';
import { cachedHop, cacheMacs } from './route-cache.ts';
import { icmpEgress6 } from './icmp-error6.ts';
import { nat } from './nat.ts';
import { decrementHopLimit6, Nat6 } from './nat6.ts';
import { parse6 } from './parse6.ts';
import { allocateSnatPort } from './snat.ts';

/** How one packet is to be translated and sent, from its flow's conntrack entry. */
interface Translation6 {
  to: Nat6;
  flags: u16;
  pad: u16;
}

/**
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use).
 * @noinline
 */
export function ingress6(ctx: XdpMd | SkBuff): i32 {
  const f = zeroed<Flow6>();
  const parsed = parse6(ctx, f);
  // As ingress4: the program's entry calls the ICMP error path (ingress.ts).
  if (parsed === PARSE_ICMP) return VERDICT_ICMP;
  if (parsed !== PARSE_OK) return pass(ctx);
  const now = bpf_jiffies64();
  if (f.dsr !== 0) return acceptDsr6(ctx, f, now);
  const t = zeroed<Translation6>();
  const known = knownFlow6(f, now, t);
  if (!known) {
    const r = newFlow6(f, now, t);
    if (r === NEW_DROP) return drop(ctx);
    if (r === NEW_PASS) return pass(ctx);
  }
  return send6(ctx, f, t, known);
}

/** The known flow's entry (service, or SNAT reply), `t` filled from it; null for a new flow. */
function knownFlow6(f: Flow6, now: u64, t: Translation6): ct6_value | null {
  const known = ctLive(v6, ctKey(v6, f, CT_SERVICE), f, now);
  if (known) {
    ctTouch(v6, known, f, now);
    fromEntry6(t, known);
    return known;
  }
  if (ntohs(f.dport) < SNAT_PORT_MIN) return null;
  const reply = ctLive(v6, ctKey(v6, f, CT_REPLY), f, now);
  if (!reply || (reply.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return null;
  ctTouch(v6, reply, f, now);
  fromEntry6(t, reply);
  return reply;
}

/** @inline */
function fromEntry6(t: Translation6, e: ct6_value): bool {
  copy(t.to.saddr, e.src_addr);
  copy(t.to.daddr, e.dst_addr);
  t.to.sport = e.src_port;
  t.to.dport = e.dst_port;
  t.flags = e.flags;
  return true;
}

// newFlow6, send6 and acceptDsr6 are calls of their own: called one after the other, their
// frames never add up on the stack, which the IPv6 keys and values would otherwise overflow.

/**
 * `known`: the flow's entry, whose cached next hop spares the FIB lookup (route-cache.ts).
 * @noinline
 */
function send6(ctx: XdpMd | SkBuff, f: Flow6, t: Translation6, known: ct6_value | null): i32 {
  const local = (t.flags & CT_LOCAL) !== 0;
  const fib = zeroed<BpfFibLookup>();
  let rc: i64 = BPF_FIB_LKUP_RET_SUCCESS;
  if (!known || !cachedHop(known.ifindex, known.dmac, known.smac, fib)) {
    rc = route6(ctx, fib, t.to.saddr, t.to.daddr, local);
    if (known && rc === BPF_FIB_LKUP_RET_SUCCESS) {
      cacheMacs(fib, known.dmac, known.smac);
      known.ifindex = fib.ifindex;
    }
  }
  if (!canSend(ctx, rc)) return pass(ctx);
  const frontend = zeroed<FixedArray<be32, 4>>();
  copy(frontend, f.daddr);
  const frontendPort = f.dport;
  if (nat(ctx, v6, f, t.to) !== 0) return drop(ctx);
  if (!local) {
    // The option goes right behind the IPv6 header, so only on packets without extension
    // headers (a hop-by-hop header must stay first); a flow that opened without them has its
    // entry at the backend's node already.
    const opens = f.ext === 0 && (f.protocol !== IPPROTO_TCP || (f.tcpFlags & TCP_FLAG_SYN) !== 0);
    if ((t.flags & CT_DSR) !== 0 && opens && pushDsr6(ctx, frontend, frontendPort) < 0) return drop(ctx);
    if (decrementHopLimit6(ctx) !== 0) return drop(ctx);
  }
  return emit6(ctx, fib, rc, local);
}

/** @noinline */
function newFlow6(f: Flow6, now: u64, t: Translation6): i32 {
  const key: lb6_key = { address: [f.daddr[0], f.daddr[1], f.daddr[2], f.daddr[3]], port: f.dport, protocol: f.protocol, scope: 0, slot: 0, pad: 0 };
  const svc = lookupService6(key, false);
  if (!svc || (svc.flags & SVC_ROUTABLE) === 0) return NEW_PASS;
  if ((svc.flags & SVC_SOURCE_RANGES) !== 0 && !sourceAllowed6(svc.rev_nat_id, f.saddr)) return NEW_DROP;
  // A later fragment of a flow nobody saw the first fragment of cannot be placed.
  if (f.fragment === FRAG_LATER) return NEW_DROP;

  const affinity = wantsAffinity(svc);
  const clock = affinity ? bpf_ktime_get_ns() : 0;
  const client: lb6_affinity_key = { client: [f.saddr[0], f.saddr[1], f.saddr[2], f.saddr[3]], service_id: svc.service_id, netns: 0, pad: 0 };
  let id: u32 = 0;
  if (affinity) id = affinityBackend6(client, svc, clock);
  if (id === 0) {
    if (features.algorithmMaglev) id = maglevBackend(svc.service_id, maglevSet(svc), 6, flowHash6(f));
    else id = backendIdAt6(key, pickSlot(svc, bpf_get_prandom_u32()));
  }
  const be = id !== 0 ? backend6(id) : null;
  const st = statsOf(svc.service_id);
  if (!be) {
    if (st) atomicAdd(st, 'no_backend', 1);
    return NEW_DROP;
  }
  if (st) atomicAdd(st, 'translations', 1);
  if (affinity) rememberAffinity6(client, id, clock);

  const e: ct6_value = { ...zeroed<ct6_value>(), lifetime: now + lifetimeOf(v6, f), backend_id: id, rev_nat_id: svc.rev_nat_id, src_port: f.sport, dst_port: be.port };
  copy(e.src_addr, f.saddr);
  copy(e.dst_addr, be.address);
  const replyKey: ct6_key = { ...zeroed<ct6_key>(), sport: be.port, dport: f.sport, protocol: f.protocol, flags: CT_REPLY };
  copy(replyKey.saddr, be.address);
  copy(replyKey.daddr, f.saddr);
  const reply: ct6_value = { ...zeroed<ct6_value>(), lifetime: e.lifetime, backend_id: id, rev_nat_id: svc.rev_nat_id, src_port: f.dport, dst_port: f.sport };
  copy(reply.src_addr, f.daddr);
  copy(reply.dst_addr, f.saddr);
  if (isLocal6(be.address)) {
    e.flags = CT_LOCAL;
    reply.flags = CT_LOCAL | CT_EGRESS;
    ctCreate(v6, replyKey, reply);
  } else if (features.forwardingDsr && f.ext === 0) {
    // With extension headers the flow goes by SNAT, as IPv4 packets with options do.
    e.flags = CT_DSR;
  } else {
    const node = node_config.lookup(0);
    if (!node || node.ipv6_count === 0) return NEW_DROP;
    copy(replyKey.daddr, node.ipv6[0]);
    reply.flags = CT_SNAT;
    const port = allocateSnatPort(v6, replyKey, reply);
    if (port === be16(0)) return NEW_DROP;
    e.flags = CT_SNAT;
    copy(e.src_addr, node.ipv6[0]);
    e.src_port = port;
  }
  ctCreate(v6, ctKey(v6, f, CT_SERVICE), e);
  return fromEntry6(t, e) ? NEW_TRANSLATE : NEW_DROP;
}

/**
 * At the backend's node: a DSR packet for one of this node's pods (see lb4.ts acceptDsr4).
 * @noinline
 */
function acceptDsr6(ctx: XdpMd | SkBuff, f: Flow6, now: u64): i32 {
  const ext = readDsr6(ctx);
  if (!ext || !isLocal6(f.daddr)) return pass(ctx);
  const key: ct6_key = { ...zeroed<ct6_key>(), sport: f.dport, dport: f.sport, protocol: f.protocol, flags: CT_REPLY };
  copy(key.saddr, f.daddr);
  copy(key.daddr, f.saddr);
  const port = ext.port;
  const value: ct6_value = { ...zeroed<ct6_value>(), lifetime: now + lifetimeOf(v6, f), flags: CT_DSR | CT_EGRESS, src_port: port, dst_port: f.sport };
  for (let i = 0; i < 4; i++) value.src_addr[i] = ext.addr[i];
  copy(value.dst_addr, f.saddr);
  const known = ctLive(v6, key, f, now);
  if (known && known.src_port === port && equal(known.src_addr, value.src_addr)) ctTouch(v6, known, f, now);
  else ctCreate(v6, key, value);
  const fib = zeroed<BpfFibLookup>();
  const rc = route6(ctx, fib, f.saddr, f.daddr, true);
  if (!canSend(ctx, rc)) return pass(ctx);
  return emit6(ctx, fib, rc, true);
}

/**
 * Replies leaving the node: those of local and DSR backends take the frontend's source.
 * A BPF-to-BPF call of its own: each family's stack frame is separate (both inline would
 * need more than the 512 bytes a program may use).
 * @noinline
 */
export function egress6(ctx: SkBuff): i32 {
  const f = zeroed<Flow6>();
  const parsed = parse6(ctx, f);
  if (parsed === PARSE_ICMP) return icmpEgress6(ctx, f);
  if (parsed !== PARSE_OK) return TC_ACT_OK;
  const now = bpf_jiffies64();
  const e = ctLive(v6, ctKey(v6, f, CT_REPLY), f, now);
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  ctTouch(v6, e, f, now);
  const to = zeroed<Nat6>();
  copy(to.saddr, e.src_addr);
  copy(to.daddr, e.dst_addr);
  to.sport = e.src_port;
  to.dport = e.dst_port;
  nat(ctx, v6, f, to);
  return TC_ACT_OK;
}

function flowHash6(f: Flow6): u32 {
  let h: u32 = 0x9747b28c;
  for (let i = 0; i < 4; i++) {
    h = ((h ^ ntohl(f.saddr[i])) * 0xcc9e2d51) ^ ntohl(f.daddr[i]);
    h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64;
  }
  h = h ^ ((u32(ntohs(f.sport)) << 16) | u32(ntohs(f.dport))) ^ u32(f.protocol);
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return h ^ (h >> 16);
}

/** Whether `addr` is in this node's IPv6 pod CIDR (node_config): a local backend. */
function isLocal6(addr: FixedArray<be32, 4>): bool {
  const node = node_config.lookup(0);
  if (!node || node.pod_prefix6 === 0) return false;
  const prefix = u32(node.pod_prefix6);
  for (let i = 0; i < 4; i++) {
    const start = u32(i) * 32;
    if (prefix > start) {
      const bits = prefix - start >= 32 ? u32(32) : prefix - start;
      const mask = bits === 32 ? u32(0xffffffff) : ~(u32(0xffffffff) >> bits);
      if ((ntohl(addr[i]) & mask) !== (ntohl(node.pod_cidr6[i]) & mask)) return false;
    }
  }
  return true;
}

function sourceAllowed6(revNatId: u16, saddr: FixedArray<be32, 4>): bool {
  // LPM prefix: 32 bits of rev_nat_id and pad, then the address's 128.
  const key: lb6_src_range_key = { ...zeroed<lb6_src_range_key>(), prefixlen: 160, rev_nat_id: revNatId };
  copy(key.address, saddr);
  const hit = lb6_source_ranges.lookup(key);
  return hit !== null && hit.allowed === 1;
}
