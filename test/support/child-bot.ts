/**
 * The bot as a separate process for the kill tests: reads JSON lines on stdin, answers each through the
 * app's guarded core, and writes one JSON line per message on stdout. Settings come from the environment
 * (DATA_DIR or REDIS_URL), as in production.
 */
import { createInterface } from 'node:readline';
import { readConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';

const app = await createApp(readConfig());
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const m = JSON.parse(line) as { bind?: { chatId: string; region: string }; settings?: string; text?: string; chatId?: string; userId?: string; group?: boolean; id?: string };
  if (m.bind) {
    await app.state.setSettings(m.bind.chatId, { region: m.bind.region });
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } else if (m.settings) {
    process.stdout.write(`${JSON.stringify({ settings: (await app.state.getSettings(m.settings)) ?? null })}\n`);
  } else {
    const replies = await app.handler.handle({
      chatId: m.chatId!,
      userId: m.userId!,
      chatType: m.group ? 'group' : 'private',
      mentioned: true,
      forwarded: false,
      text: m.text!,
      time: app.clock.now(),
      messageId: m.id,
    });
    process.stdout.write(`${JSON.stringify({ replies: replies.map((r) => r.text) })}\n`);
  }
}
