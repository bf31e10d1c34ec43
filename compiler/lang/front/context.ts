// Program types by section name, and the context structs the kernel hands each of them: field
// offsets and access sizes (include/uapi/linux/bpf.h), which fields a program may write, and
// where XDP and tc keep the packet's data/data_end pointers.

import { sectionKinds } from '../../../format/bpf-object-sections.ts';
import type { ProgTypeName } from '../../../format/bpf-uapi.ts';
import type { ContextKind, IntType, MemType } from './types.ts';
import { ints } from './types.ts';

export interface CtxField {
  readonly offset: number;
  /** Access size in bytes: the verifier checks loads and stores against the field's size. */
  readonly size: 1 | 2 | 4 | 8;
  readonly type: MemType;
  readonly writable: boolean;
}

export interface ContextInfo {
  readonly kind: ContextKind;
  /** The BPF-TS name of the type (bpf-context.d.ts). */
  readonly typeName: string;
  readonly fields: Readonly<Record<string, CtxField>>;
  /** Offsets of the u32 fields that the verifier turns into packet pointers (XDP and tc). */
  readonly packet?: { readonly data: number; readonly dataEnd: number };
}

const f = (offset: number, type: MemType, writable = false, size?: 1 | 2 | 4 | 8): CtxField => ({
  offset,
  size: size ?? ((type.kind === 'int' ? type.bits / 8 : 4) as 1 | 2 | 4 | 8),
  type,
  writable,
});
const u32 = ints.u32;
const arr4 = (t: IntType): MemType => ({ kind: 'array', elem: t, length: 4 });

export const contexts: Readonly<Record<ContextKind, ContextInfo>> = {
  xdp: {
    kind: 'xdp',
    typeName: 'XdpMd',
    packet: { data: 0, dataEnd: 4 },
    fields: { ingress_ifindex: f(12, u32), rx_queue_index: f(16, u32), egress_ifindex: f(20, u32) },
  },
  skb: {
    kind: 'skb',
    typeName: 'SkBuff',
    packet: { data: 76, dataEnd: 80 },
    fields: {
      len: f(0, u32),
      pkt_type: f(4, u32),
      mark: f(8, u32, true),
      queue_mapping: f(12, u32, true),
      // __be16 in a 4-byte field: a 4-byte load gives the network-order bytes in the low half.
      protocol: f(16, ints.be16, false, 4),
      vlan_present: f(20, u32),
      vlan_tci: f(24, u32),
      vlan_proto: f(28, ints.be16, false, 4),
      priority: f(32, u32, true),
      ingress_ifindex: f(36, u32),
      ifindex: f(40, u32),
      tc_index: f(44, u32, true),
      cb: { offset: 48, size: 4, type: { kind: 'array', elem: u32, length: 5 }, writable: true },
      hash: f(68, u32),
      tc_classid: f(72, u32, true),
      napi_id: f(84, u32),
      tstamp: f(152, ints.u64, true),
      wire_len: f(160, u32),
      gso_segs: f(164, u32),
      gso_size: f(176, u32),
    },
  },
  sock_addr: {
    kind: 'sock_addr',
    typeName: 'SockAddr',
    fields: {
      user_family: f(0, u32),
      user_ip4: f(4, ints.be32, true),
      user_ip6: { offset: 8, size: 4, type: arr4(ints.be32), writable: true },
      user_port: f(24, ints.be16, true, 4),
      family: f(28, u32),
      type: f(32, u32),
      protocol: f(36, u32),
      msg_src_ip4: f(40, ints.be32, true),
      msg_src_ip6: { offset: 44, size: 4, type: arr4(ints.be32), writable: true },
    },
  },
  sock: {
    kind: 'sock',
    typeName: 'Sock',
    fields: {
      bound_dev_if: f(0, u32, true),
      family: f(4, u32),
      type: f(8, u32),
      protocol: f(12, u32),
      mark: f(16, u32, true),
      priority: f(20, u32, true),
      src_ip4: f(24, ints.be32),
      src_ip6: { offset: 28, size: 4, type: arr4(ints.be32), writable: false },
      src_port: f(44, u32),
      dst_port: f(48, ints.be16, false, 2),
      dst_ip4: f(52, ints.be32),
      dst_ip6: { offset: 56, size: 4, type: arr4(ints.be32), writable: false },
      state: f(72, u32),
      rx_queue_mapping: f(76, ints.i32),
    },
  },
};

export interface SectionInfo {
  readonly ctx: ContextKind;
  /** enum bpf_prog_type */
  readonly progType: number;
  /** enum bpf_attach_type the kernel expects at load time (0 where it takes none). */
  readonly expectedAttachType: number;
  /** The value a program of this type returns to mean "let it through", for docs and tests. */
  readonly passValue: number;
}

/**
 * The program types BPF-TS compiles, by the context each receives, and what "pass" returns
 * there (XDP_PASS, TC_ACT_OK, 1 for the cgroup hooks).
 */
const bpfTsProgTypes: Partial<Record<ProgTypeName, { ctx: ContextKind; passValue: number }>> = {
  xdp: { ctx: 'xdp', passValue: 2 },
  sched_cls: { ctx: 'skb', passValue: 0 },
  cgroup_sock_addr: { ctx: 'sock_addr', passValue: 1 },
  cgroup_sock: { ctx: 'sock', passValue: 1 },
};

/** The BPF-TS context of a program type BPF-TS compiles; throws for one it does not. */
export function contextOfProgType(prog: ProgTypeName): ContextKind {
  const t = bpfTsProgTypes[prog];
  if (!t) throw new RangeError(`program type ${prog}: BPF-TS has no context for it`);
  return t.ctx;
}

/**
 * libbpf's section names for the program types BPF-TS compiles, derived from the shared table
 * (format/bpf-object-sections.ts). Names that need load flags (`xdp.frags`) are left out: a
 * BPF-TS program cannot say it handles multi-buffer packets.
 */
export const sections: Readonly<Record<string, SectionInfo>> = Object.freeze(Object.fromEntries(
  sectionKinds.flatMap((k) => {
    const t = bpfTsProgTypes[k.progTypeName];
    if (!t || k.progFlags !== 0) return [];
    return [[k.name, { ctx: t.ctx, progType: k.progType, expectedAttachType: k.attachType, passValue: t.passValue }]];
  }),
));

export function contextByTypeName(name: string): ContextInfo | undefined {
  return Object.values(contexts).find((c) => c.typeName === name);
}
