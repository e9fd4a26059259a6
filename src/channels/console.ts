/**
 * The console chat: a resident's view of the bot in a terminal.
 * With a terminal it prompts; with piped input it reads one message per line, prints each reply and exits at the end.
 */
import { createInterface } from 'node:readline';
import type { MessageHandler } from '../core/types.ts';
import type { Clock } from '../engine/dates.ts';

export async function runConsole(core: MessageHandler, clock: Clock, io: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; tty?: boolean } = {}) {
  const input = io.input ?? process.stdin;
  const output = io.output ?? process.stdout;
  const tty = io.tty ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const rl = createInterface({ input, output: tty ? output : undefined, terminal: tty });
  if (tty) {
    output.write(`医保咨询机器人（控制台）。今天按 ${clock.today()} 计算。输入问题，Ctrl+D 退出。\n例如：方太乡低保户交多少钱？\n`);
    rl.setPrompt('居民> ');
    rl.prompt();
  }

  for await (const line of rl) {
    const text = line.trim();
    if (text) {
      const replies = await core.handle({
        chatId: 'console',
        userId: 'console-user',
        userName: '居民',
        chatType: 'private',
        mentioned: true,
        forwarded: false,
        text,
        time: clock.now(),
        isAdmin: true,
      });
      for (const r of replies) output.write(`${tty ? '机器人：\n' : ''}${r.text}\n${tty ? '' : '\n'}`);
    }
    if (tty) rl.prompt();
  }
}
