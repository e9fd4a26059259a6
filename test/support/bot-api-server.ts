/**
 * A local stand-in for the Telegram Bot API over HTTP (what TELEGRAM_API_ROOT points a bot at): answers getMe,
 * hands out queued updates to long polling, records sendMessage. For tests and the start-up benchmark that run
 * the bot as a whole process.
 */
import { createServer, type IncomingMessage as HttpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { BOT_INFO, BOT_USER, TOKEN } from './telegram-fake.ts';

export interface SentMessage {
  chat_id: number;
  text: string;
  at: number;
}

async function body(req: HttpRequest): Promise<Record<string, unknown>> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s ? (JSON.parse(s) as Record<string, unknown>) : {};
}

export async function startBotApi() {
  const updates: Update[] = [];
  const sent: SentMessage[] = [];
  const polls: (() => void)[] = [];
  const onSent: ((m: SentMessage) => void)[] = [];
  let messageId = 1;
  const wake = () => polls.splice(0).forEach((f) => f());
  const server = createServer(async (req, res) => {
    const [, bot, method] = (req.url ?? '').split('/');
    const p = await body(req);
    const reply = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    if (bot !== `bot${TOKEN}`) return void res.writeHead(401).end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    switch (method) {
      case 'getMe':
        return reply(BOT_INFO);
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        const ready = () => updates.filter((u) => u.update_id >= offset);
        if (!ready().length) {
          // long polling: wait for an update, the poll's timeout, or the server closing
          await new Promise<void>((r) => {
            const done = () => (clearTimeout(timer), res.off('close', done), r());
            const timer = setTimeout(done, Math.min(Number(p.timeout ?? 0), 30) * 1000);
            polls.push(done);
            res.once('close', done);
          });
          if (res.destroyed) return;
        }
        return reply(ready());
      }
      case 'sendMessage': {
        const m = { chat_id: Number(p.chat_id), text: String(p.text), at: performance.now() };
        sent.push(m);
        onSent.splice(0).forEach((f) => f(m));
        return reply({ message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: m.chat_id, type: m.chat_id > 0 ? 'private' : 'supergroup' }, from: BOT_USER, text: m.text });
      }
      default:
        return reply(true);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token: TOKEN,
    sent,
    /** queues an update for the next getUpdates */
    push(u: Update) {
      updates.push(u);
      wake();
    },
    /** the next message the bot sends */
    nextSent: () => new Promise<SentMessage>((r) => onSent.push(r)),
    close: () =>
      new Promise<void>((r) => {
        wake();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** a resident's private message, as Telegram delivers it */
export function privateText(id: number, text: string): Update {
  const from = { id, is_bot: false, first_name: '居民' };
  return { update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id, type: 'private', first_name: '居民' }, from, text } };
}
