// Named points in apply where a test can make the process die as if killed by kill -9, to prove
// that the next apply converges from whatever was left. Inert unless SWITCHYARD_DIE_AT is set.

export const DIE_AT_ENV = 'SWITCHYARD_DIE_AT';

/** Every point apply passes, in order (maps and links also report `map-written:<name>`, `link:<pin>`). */
export const APPLY_STEPS = ['journal-written', 'maps-prepared', 'programs-loaded', 'maps-written', 'maps-migrated', 'links-attached', 'stale-removed', 'snapshot-written'] as const;

export function reached(step: string): void {
  if (process.env[DIE_AT_ENV] === step) process.kill(process.pid, 'SIGKILL');
}
