// Names unique to this process and call, short enough for an interface name (15 bytes): ava's
// workers run in parallel, and tests must never collide on namespaces, links, cgroups or pins.
// Free of ava, so that benches and namespace builders share the one counter with the tests.

let counter = 0;

export function uniqueName(prefix: string): string {
  const id = `${(process.pid % 46656).toString(36)}${(counter++).toString(36)}`;
  return `${prefix.slice(0, 15 - id.length - 1)}-${id}`.slice(0, 15);
}
