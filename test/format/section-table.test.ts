// The one table of section names (format/bpf-object-sections.ts) and the views derived from it:
// BPF-TS's sections, the verifier's short attach names (TypeScript and AssemblyScript), the
// runtime's hooks. Each view is checked against values the uapi header fixes.

import test from 'ava';
import { sectionKind, sectionKinds, shortAttachName } from '../../format/bpf-object-sections.ts';
import { attachTypes as uapiAttachTypes, BPF_F_XDP_HAS_FRAGS } from '../../format/bpf-uapi.ts';
import { contexts, sections } from '../../compiler/lang/front/context.ts';
import { sectionKind as runtimeSectionKind } from '../../runtime/section.ts';
import { attachTypeName, attachTypes } from '../../verifier/names.ts';

test('every section name is listed once', (t) => {
  const names = sectionKinds.map((k) => k.name);
  t.is(new Set(names).size, names.length);
});

test('BPF-TS sections carry the uapi numbers of their names', (t) => {
  t.deepEqual(sections['xdp'], { ctx: 'xdp', progType: 6, expectedAttachType: 37, passValue: 2 });
  t.deepEqual(sections['tc'], { ctx: 'skb', progType: 3, expectedAttachType: 0, passValue: 0 });
  t.deepEqual(sections['tcx/egress'], { ctx: 'skb', progType: 3, expectedAttachType: 47, passValue: 0 });
  t.deepEqual(sections['cgroup/connect6'], { ctx: 'sock_addr', progType: 18, expectedAttachType: 11, passValue: 1 });
  t.deepEqual(sections['cgroup/recvmsg4'], { ctx: 'sock_addr', progType: 18, expectedAttachType: 19, passValue: 1 });
  t.deepEqual(sections['cgroup/sock_release'], { ctx: 'sock', progType: 9, expectedAttachType: 34, passValue: 1 });
});

test('BPF-TS leaves out the program types it has no context for, and names that need load flags', (t) => {
  t.false('cgroup_skb/ingress' in sections);
  t.false('socket' in sections);
  t.false('sk_lookup' in sections);
  t.is(sectionKind('xdp.frags')?.progFlags, BPF_F_XDP_HAS_FRAGS);
  t.false('xdp.frags' in sections);
});

test('a BPF-TS context is the uapi context struct of its sections', (t) => {
  const structOf = { xdp: 'xdp_md', skb: '__sk_buff', sock_addr: 'bpf_sock_addr', sock: 'bpf_sock' } as const;
  for (const [name, info] of Object.entries(sections)) {
    t.is(sectionKind(name)?.ctxStruct, structOf[info.ctx], name);
    t.truthy(contexts[info.ctx], name);
  }
});

test('short attach names follow libbpf section names, one per attach type', (t) => {
  t.is(shortAttachName('cgroup_inet4_connect'), 'connect4');
  t.is(shortAttachName('cgroup_udp6_recvmsg'), 'recvmsg6');
  t.is(shortAttachName('cgroup_inet_ingress'), 'ingress');
  t.is(shortAttachName('cgroup_inet_sock_create'), 'sock_create');
  t.is(shortAttachName('cgroup_inet6_post_bind'), 'post_bind6');
  t.is(shortAttachName('tcx_ingress'), 'tcx_ingress');
  t.is(Object.keys(attachTypes).length, Object.keys(uapiAttachTypes).length);
  t.is(attachTypes['getsockname6'], 32);
  t.is(attachTypes['sock_release'], 34);
  t.is(attachTypeName(14), 'sendmsg4');
  t.is(attachTypeName(99), '#99');
});

test('the hook of each section follows from its types', (t) => {
  t.is(runtimeSectionKind('xdp')?.hook, 'xdp');
  t.is(runtimeSectionKind('tcx/ingress')?.hook, 'tcx');
  t.is(runtimeSectionKind('tc/egress')?.hook, 'tcx');
  t.is(runtimeSectionKind('tc')?.hook, 'none');
  t.is(runtimeSectionKind('cgroup_skb/egress')?.hook, 'cgroup');
  t.is(runtimeSectionKind('cgroup/getpeername4')?.hook, 'cgroup');
  t.is(runtimeSectionKind('sk_lookup')?.hook, 'none');
  t.is(runtimeSectionKind('cgroup/connect4')?.hookName, 'cgroup_inet4_connect');
});
