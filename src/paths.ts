/**
 * Where the project's data folders are, whether the code runs from src/ (tsx, tests) or from the build in dist/:
 * the nearest folder above this module that holds package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const ROOT = projectRoot();
export const RULES_DIR = join(ROOT, 'rules');
export const FLOWS_DIR = join(ROOT, 'flows');
