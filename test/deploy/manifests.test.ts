// deploy/: every object kustomization.yaml lists (and the ConfigMap it generates) is checked
// against the Kubernetes API schema of its kind, from kubernetes-models (validators generated
// from Kubernetes' OpenAPI spec, run by ajv), and for fields its kind does not have (the same
// package's types, by TypeScript's excess-property check: the schemas allow unknown fields); and
// the DaemonSet says what the code does: its capabilities, the agent's probe paths, git-sync's link.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project, ts } from 'ts-morph';
import { parseAllDocuments, parse } from 'yaml';
import { NEEDED } from '../../runtime/sys/capabilities.ts';

const deploy = join(process.cwd(), 'deploy');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  [field: string]: unknown;
}

interface Kustomization {
  resources: string[];
  namespace?: string;
  configMapGenerator?: Array<{ name: string; literals?: string[] }>;
}

const kustomization = parse(readFileSync(join(deploy, 'kustomization.yaml'), 'utf8')) as Kustomization;

/** Every object of the kustomization: its resources' documents, then its generated ConfigMaps. */
function objects(): Array<{ file: string; object: K8sObject }> {
  const out: Array<{ file: string; object: K8sObject }> = [];
  for (const file of kustomization.resources) {
    for (const doc of parseAllDocuments(readFileSync(join(deploy, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`deploy/${file}: ${doc.errors[0]!.message}`);
      if (doc.contents !== null) out.push({ file, object: doc.toJS() as K8sObject });
    }
  }
  for (const g of kustomization.configMapGenerator ?? []) {
    const data = Object.fromEntries((g.literals ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    out.push({ file: 'kustomization.yaml (configMapGenerator)', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data } });
  }
  return out;
}

/** Validates `o` against its kind's schema; throws the validator's message. */
async function validate(o: K8sObject): Promise<void> {
  const group = o.apiVersion; // "v1" for the core group, "apps/v1", ...
  const module = (await import(`kubernetes-models/${group}/${o.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Kind = module[o.kind];
  if (!Kind) throw new Error(`kubernetes-models has no ${group} ${o.kind}`);
  new Kind(o).validate();
}

/**
 * TypeScript's complaints about `objects` typed as their kinds' interfaces (IDaemonSet, ...): a
 * field the kind does not have is an "Object literal may only specify known properties" error.
 */
function unknownFields(objects: K8sObject[]): string[] {
  const project = new Project({ compilerOptions: { strict: true, module: 99, moduleResolution: 100, target: 99, noEmit: true, skipLibCheck: true } });
  const text = objects
    .map((o, i) => `import type { I${o.kind} as T${i} } from 'kubernetes-models/${o.apiVersion}/${o.kind}';\nexport const o${i}: T${i} = ${JSON.stringify(o)};`)
    .join('\n');
  // Never saved: a path inside the repository, so that kubernetes-models resolves from node_modules.
  project.createSourceFile(join(process.cwd(), 'test', 'deploy', '.manifests-typed.ts'), text);
  return project.getPreEmitDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n'));
}

const daemonSet = () => objects().find((o) => o.object.kind === 'DaemonSet')!.object as unknown as {
  spec: { template: { spec: { hostNetwork: boolean; containers: Array<Record<string, any>>; volumes: Array<Record<string, any>> } } };
};

test('every object deploy/kustomization.yaml lists is valid for its kind in the Kubernetes API schema', async (t) => {
  const all = objects();
  t.deepEqual(all.map((o) => o.object.kind).sort(), ['ConfigMap', 'DaemonSet', 'Namespace', 'ServiceAccount']);
  for (const { file, object } of all) {
    await t.notThrowsAsync(validate(object), `deploy/${file}: ${object.kind} ${object.metadata?.name}`);
  }
});

test('no object has a field its kind does not define; a misspelt one is found', (t) => {
  const all = objects().map((o) => o.object);
  t.deepEqual(unknownFields(all), []);
  const broken = structuredClone(all.find((o) => o.kind === 'DaemonSet')!) as any;
  broken.spec.template.spec.containers[0].securityContext.capabilites = broken.spec.template.spec.containers[0].securityContext.capabilities;
  delete broken.spec.template.spec.containers[0].securityContext.capabilities;
  t.deepEqual(unknownFields([broken]), ["Object literal may only specify known properties, and '\"capabilites\"' does not exist in type 'ISecurityContext'."]);
});

test('a broken DaemonSet fails the schema check, naming the fields', async (t) => {
  const broken = structuredClone(objects().find((o) => o.object.kind === 'DaemonSet')!.object) as any;
  broken.spec.template.spec.hostNetwork = 'yes';
  broken.spec.template.spec.containers[0].ports[0].containerPort = 'nine-four-six-four';
  delete broken.spec.selector;
  const e = await t.throwsAsync(validate(broken));
  t.regex(e!.message, /hostNetwork must be boolean/);
  t.regex(e!.message, /containerPort must be integer/);
  t.regex(e!.message, /spec must have required property selector/);
});

test('the DaemonSet adds exactly the capabilities switchyard-node needs, and drops the rest', (t) => {
  const agent = daemonSet().spec.template.spec.containers.find((c) => c.name === 'switchyard-node')!;
  const wanted = [...NEEDED, 'CAP_SYS_ADMIN'].map((c) => c.replace(/^CAP_/, ''));
  t.deepEqual(agent.securityContext.capabilities, { drop: ['ALL'], add: wanted });
  t.true(daemonSet().spec.template.spec.hostNetwork);
});

test("the DaemonSet's probes, port and DIR are the agent's", (t) => {
  const spec = daemonSet().spec.template.spec;
  const agent = spec.containers.find((c) => c.name === 'switchyard-node')!;
  const sync = spec.containers.find((c) => c.name === 'git-sync')!;
  t.is(agent.livenessProbe.httpGet.path, '/healthz');
  t.is(agent.readinessProbe.httpGet.path, '/readyz');
  const listen = (agent.args as string[]).find((a) => a.startsWith('--listen='))!;
  t.is(Number(listen.split(':').at(-1)), agent.ports[0].containerPort);
  t.is(agent.args[0], 'run');
  // DIR goes through the symlink git-sync swaps: --root/--link.
  const flag = (name: string) => (sync.args as string[]).find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  t.true((agent.args[1] as string).startsWith(`${flag('root')}/${flag('link')}/generated/`), agent.args[1]);
  for (const name of ['repo', 'root', 'link', 'period']) t.truthy(flag(name), `git-sync --${name}`);
  // Every $(VAR) the agent's arguments use is defined in its env.
  const env = new Set((agent.env as Array<{ name: string }>).map((e) => e.name));
  for (const m of (agent.args as string[]).join(' ').matchAll(/\$\((\w+)\)/g)) t.true(env.has(m[1]!), m[1]);
  // The cgroup and bpffs arguments name the host mounts.
  const mounted = new Set((agent.volumeMounts as Array<{ mountPath: string }>).map((v) => v.mountPath));
  t.true(mounted.has('/host/cgroup') && (agent.args as string[]).includes('--cgroup=/host/cgroup'));
  t.true(mounted.has('/sys/fs/bpf') && (agent.args as string[]).some((a) => a.startsWith('--bpffs=/sys/fs/bpf/')));
});
