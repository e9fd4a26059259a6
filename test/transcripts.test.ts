import { describe, expect, it } from 'vitest';
import { checkTurn, loadTranscripts, SOURCE_LINE } from './support/transcripts.ts';
import { testCore } from './support/core.ts';

describe('transcripts through the core', () => {
  for (const { file, t } of loadTranscripts()) {
    it(`${file}: ${t.name}`, async () => {
      const { core, clock } = testCore({ today: t.today, region: t.region });
      const problems: string[] = [];
      for (const [i, turn] of t.turns.entries()) {
        if (turn.after) clock.advance(turn.after * 60_000);
        const replies = await core.handle({
          chatId: 'c1',
          userId: 'u1',
          chatType: 'private',
          mentioned: true,
          forwarded: t.forwarded ?? false,
          text: turn.user,
          time: clock.now(),
        });
        const text = replies.map((r) => r.text).join('\n');
        problems.push(...checkTurn(i, turn, text));
        if (/\d+元/.test(text)) expect(text).toMatch(SOURCE_LINE);
      }
      expect(problems).toEqual([]);
    });
  }
});
