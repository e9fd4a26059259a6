/**
 * vitest globalSetup: every test run gets a temporary folder of its own as TMPDIR (so `os.tmpdir()` in the
 * tests and in the bot processes they start points there), removed when the run ends. The data folders,
 * copied rules and fake .env files the tests make do not pile up in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'yibao-test-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
}
