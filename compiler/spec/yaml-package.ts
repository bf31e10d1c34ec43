// The `yaml` package, loaded on first use. The fast plain reader (plain-yaml.ts) reads the specs
// generators and kubectl print without it, and loading it is about 25 ms of CPU on every start of
// the CLI: only a file the plain reader gives up on, and the commands that print YAML, pay that.

import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yamlPackage(): Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as Yaml);
}
