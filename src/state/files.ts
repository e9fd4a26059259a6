import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes a temp file beside the target, then renames it over: readers see the old or the new file, never half. */
export async function atomicWrite(file: string, data: string, opts: { dirExists?: boolean } = {}): Promise<void> {
  if (!opts.dirExists) await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof SyntaxError) return undefined; // a torn file cannot happen with atomicWrite; treat as absent
    throw e;
  }
}

/**
 * An append-only file of lines, kept open. Each line is one write(2) on an O_APPEND descriptor, done
 * synchronously: a few microseconds, in order, and in the kernel (so it survives the process being killed)
 * before the answer it belongs to is sent. Opening, writing and closing a file per message cost ~50x more.
 */
export class AppendLog {
  private fd: number | undefined;
  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
  }
  append(line: string): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed`);
    writeSync(this.fd, `${line}\n`);
  }
  /**
   * Replaces the whole file (temp file, then rename) and goes on appending to the new one. Synchronous, so no
   * append can fall between the snapshot and the rename and be lost.
   */
  rewrite(lines: string[]): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(tmp, this.file);
    this.close();
    this.fd = openSync(this.file, 'a');
  }
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
