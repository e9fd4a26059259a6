import { z } from 'zod';
import { catalogueSchema, noticeSchema } from './schema.ts';

/** JSON Schemas for editors (yaml-language-server), generated from the zod schemas so they never drift. */
export function jsonSchemas(): Record<string, string> {
  const gen = (s: z.ZodType, title: string) =>
    `${JSON.stringify({ title, ...z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) }, null, 2)}\n`;
  return {
    'notice.schema.json': gen(noticeSchema, '城乡居民医保通知规则文件'),
    'catalogue.schema.json': gen(catalogueSchema, '身份目录'),
  };
}
