// Which files a list of spec paths names: files as given, directories as their *.yaml / *.yml
// files (not recursive), plus inputs given as text (standard input, named `<stdin>`). Sorted and
// de-duplicated, so the order of the paths never matters.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../diagnostics.ts';
import { codes } from './codes.ts';

export interface InputFile {
  file: string;
  text: string;
  sha256: string;
}

const SPEC_FILE = /\.ya?ml$/;

const hashed = (file: string, bytes: Buffer): InputFile => ({ file, text: decode(bytes), sha256: createHash('sha256').update(bytes).digest('hex') });

/**
 * UTF-8, or UTF-16 when a byte order mark says so, as YAML allows: Windows PowerShell's `>`
 * writes `kubectl get -o yaml` out as UTF-16LE with a mark, which read as UTF-8 is noise.
 */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  return bytes.toString('utf8');
}

export function readInputFiles(paths: string[], diags: Diagnostics, texts: readonly { file: string; text: string }[] = []): InputFile[] {
  const files = new Set<string>();
  for (const path of paths) {
    const at = { file: path, line: 1, col: 1 };
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (e) {
      diags.report(codes.SY1002, `reading spec path ${path}: ${reason(e)}; check the path`, at);
      continue;
    }
    if (!isDir) {
      files.add(path);
      continue;
    }
    const entries = readdirSync(path, { withFileTypes: true })
      // Symlinked spec files count (a common way to share one cluster.yaml between specs).
      .filter((e) => SPEC_FILE.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFile(join(path, e.name)))))
      .map((e) => join(path, e.name));
    if (entries.length === 0) {
      diags.report(codes.SY1002, `reading spec directory ${path}: it holds no *.yaml or *.yml files`, at);
    }
    for (const f of entries) files.add(f);
  }
  const out: InputFile[] = texts.map((t) => hashed(t.file, Buffer.from(t.text, 'utf8')));
  for (const file of [...files].sort()) {
    try {
      out.push(hashed(file, readFileSync(file)));
    } catch (e) {
      diags.report(codes.SY1002, `reading spec file ${file}: ${reason(e)}`, { file, line: 1, col: 1 });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}
