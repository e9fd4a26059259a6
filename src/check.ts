/**
 * Reading rules/ and flows/ from YAML and checking them with the zod schemas: everything that needs the YAML
 * parser and full zod, in one module that is loaded only when it is needed (the first start of a build, a rules
 * reload). The build (scripts/build.mjs) makes it a file of its own, so a start from the cache loads none of it.
 */
import { loadRules } from './rules/load.ts';
import { loadFlows } from './core/flows.ts';
import { loadChat } from './nlu/extra.ts';
import { loadCadreFlow } from './cadre/flow.ts';
import type { Loaded } from './compiled.ts';

export { loadRules };

export function checkAll(rulesDir: string, flowsDir: string): Loaded {
  return { rules: loadRules(rulesDir), flows: loadFlows(flowsDir), chat: loadChat(flowsDir), cadreFlow: loadCadreFlow(flowsDir) };
}
