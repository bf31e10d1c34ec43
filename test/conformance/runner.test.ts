// The runner compiles cases without the datapath and verify stages; this checks, on cases that
// cover every table (Local-policy node entries, HostPorts, zone layers, warnings), that what it compares is
// byte for byte what the `switchyard compile` command writes and prints.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../compiler/cli/main.ts';
import { CASES_DIR, caseInputs, compileCase } from './compile-case.ts';

for (const name of ['etp-local-endpoints-on-every-node', 'host-port-pod-not-running', 'topology-external-traffic-policy-local']) {
  test(`the runner's tables for ${name} are what switchyard compile writes`, async (t) => {
    const out = mkdtempSync(join(tmpdir(), `switchyard-runner-${name}-`));
    t.teardown(() => rmSync(out, { recursive: true, force: true }));
    const printed = { stdout: '', stderr: '' };
    const io = {
      stdout: { write: (s: string) => void (printed.stdout += s) },
      stderr: { write: (s: string) => void (printed.stderr += s) },
      cwd: process.cwd(),
      env: {},
    };
    const inputs = caseInputs(name);
    t.is(await main(['compile', ...inputs, '-o', out], io), 0, printed.stderr);
    const runner = compileCase(inputs, join(CASES_DIR, name));
    for (const [path, text] of runner) {
      if (path === 'diagnostics.txt') continue;
      t.is(readFileSync(join(out, 'conformance', path), 'utf8'), text, path);
    }
    // The command prints paths as given; the runner makes them relative to the case directory.
    const diagnostics = runner.get('diagnostics.txt')!;
    t.is(printed.stderr.split(`${join(CASES_DIR, name)}/`).join(''), diagnostics);
  });
}
