import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules, RulesError } from '../src/rules/load.ts';
import { jsonSchemas } from '../src/rules/jsonschema.ts';

function copyRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
  return dir;
}

function breakFile(dir: string, file: string, from: string, to: string) {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  expect(text).toContain(from);
  writeFileSync(p, text.replace(from, to));
}

describe('rule files', () => {
  it('load both notices with their regions', () => {
    const r = loadRules();
    expect(r.notices.map((n) => n.region.short).sort()).toEqual(['方太乡', '桂阳街道']);
  });

  it('a wrong value stops loading with the file, the field path and the problem', () => {
    const dir = copyRules();
    breakFile(dir, 'fangtai-2024.yaml', 'amount: 320', 'amount: 三百二');
    const err = (() => {
      try {
        loadRules(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RulesError);
    const msg = (err as Error).message;
    expect(msg).toContain('fangtai-2024.yaml');
    expect(msg).toContain('identities.dibao.fee.amount');
  });

  it('a value without its clause is refused', () => {
    const dir = copyRules();
    breakFile(dir, 'guiyang-dianjiang-2024.yaml', '    amount: 755\n    clause: 三（一）', '    amount: 755\n    clause: ""');
    expect(() => loadRules(dir)).toThrow(/tiers\.1\.clause：每个值都要注明条款/);
  });

  it('an impossible date and broken YAML are reported', () => {
    const dir = copyRules();
    breakFile(dir, 'guiyang-dianjiang-2024.yaml', 'to: 2024-02-29', 'to: 2024-02-30');
    expect(() => loadRules(dir)).toThrow(/windows\.1\.to/);
    const dir2 = copyRules();
    breakFile(dir2, 'fangtai-2024.yaml', 'policyYear: 2024', 'policyYear: [2024');
    expect(() => loadRules(dir2)).toThrow(/fangtai-2024\.yaml[\s\S]*YAML 格式错误/);
  });

  it('an identity the catalogue does not know is refused', () => {
    const dir = copyRules();
    breakFile(dir, 'fangtai-2024.yaml', '  orphan:\n', '  orfan:\n');
    expect(() => loadRules(dir)).toThrow(/identities\.orfan：身份目录/);
  });

  it('an identity a rule covers must be one the catalogue knows', () => {
    const dir = copyRules();
    breakFile(dir, 'fangtai-2024.yaml', 'covers: [non_local_resident]', 'covers: [non_local]');
    expect(() => loadRules(dir)).toThrow(/identities\.residence_permit\.covers：身份目录（catalogue\.yaml）里没有“non_local”/);
  });

  it('the JSON Schemas beside the files are the ones generated from zod (npm run schema)', () => {
    for (const [name, text] of Object.entries(jsonSchemas())) {
      expect(readFileSync(join(DEFAULT_RULES_DIR, name), 'utf8'), `${name} is stale: run npm run schema`).toBe(text);
    }
  });
});
