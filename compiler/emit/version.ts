// The generator string stamped into every manifest: `switchyard <package version>`.

import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
export const GENERATOR = `switchyard ${VERSION}`;
