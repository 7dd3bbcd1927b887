// The repository documents itself: no tracked file may point at notes that live outside it, and
// every docs page a file cites must exist (docs/architecture.md "Tests", tier 1).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

// The forbidden names are assembled from pieces so that this file does not match itself.
const OUTSIDE_FOLDER = ['..', 'shared'].join('/');
const OUTSIDE_NOTES = ['SCIENCE', 'TOOLCHAIN', 'ARCHITECTURE'].map((name) => `${name}.md`);
const OUTSIDE_NOTE = new RegExp(`(?<![A-Za-z0-9_])(${OUTSIDE_NOTES.map((n) => n.replace('.', '\\.')).join('|')})(?![A-Za-z0-9_])`);
/** A docs page path such as `docs` + `/science.md` (also inside `../docs/...` links). */
const DOCS_PAGE = new RegExp(['(?<![A-Za-z0-9_-])', 'docs', '/([A-Za-z0-9_.-]+\\.md)'].join(''), 'g');

/** Folders whose files are measurement records, not text we maintain. */
const SKIPPED = ['bench/results/'];

interface TextFile {
  path: string;
  lines: string[];
}

/** Every tracked text file (git ls-files), minus skipped folders, binaries and files deleted in the working tree. */
function trackedTextFiles(): TextFile[] {
  const listing = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const files: TextFile[] = [];
  for (const path of listing.split('\0')) {
    if (!path || SKIPPED.some((prefix) => path.startsWith(prefix))) continue;
    const full = join(ROOT, path);
    if (!existsSync(full) || !statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8192).includes(0)) continue; // binary (PNG and the like)
    files.push({ path, lines: bytes.toString('utf8').split(/\r?\n/) });
  }
  return files;
}

describe('the repository is self-contained', () => {
  const files = trackedTextFiles();

  it('lists the tracked files', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.map((f) => f.path)).toContain('README.md');
  });

  it(`no tracked file refers to ${OUTSIDE_FOLDER} or to ${OUTSIDE_NOTES.join(', ')}`, () => {
    const offences: string[] = [];
    for (const { path, lines } of files) {
      lines.forEach((line, k) => {
        if (line.includes(OUTSIDE_FOLDER) || OUTSIDE_NOTE.test(line)) offences.push(`${path}:${k + 1}: ${line.trim()}`);
      });
    }
    expect(offences, 'point these at the project\'s own docs/ pages instead').toEqual([]);
  });

  it('every docs page a tracked file cites exists', () => {
    const missing: string[] = [];
    for (const { path, lines } of files) {
      lines.forEach((line, k) => {
        for (const match of line.matchAll(DOCS_PAGE)) {
          if (!existsSync(join(ROOT, 'docs', match[1]!))) missing.push(`${path}:${k + 1}: docs/${match[1]} does not exist`);
        }
      });
    }
    expect(missing).toEqual([]);
  });
});
