import fs from 'node:fs';

/** The facts about wppconnect-server, beside the repo as ../shared (as in CI). */
const REFERENCE = new URL('../../../shared/reference/routes.tsv', import.meta.url);
const SEED = new URL('../../../shared/seed/wppconnect-api-2.0.0.txt', import.meta.url);

export interface ReferenceRoute {
  method: string;
  path: string;
  tag: string;
  plugin: string;
}

/** routes.tsv: the 156 routes, each with the plugin it belongs to. */
export function referenceRoutes(): ReferenceRoute[] {
  return fs
    .readFileSync(REFERENCE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [method = '', path = '', , tag = '', plugin = ''] = line.split('\t');
      return { method, path, tag, plugin };
    });
}

/** The request fields (body and query) the published docs give each `/api/{session}/…` route. */
export function seedFields(): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let route: string | undefined;
  let collecting = false;
  let previous = '';
  for (const line of fs.readFileSync(SEED, 'utf8').split('\n')) {
    // Deprecated routes have the word after their path.
    const path = /^\/api\/\{session\}\/(\S+)(?: Deprecated)?$/.exec(line.trim());
    // An operation without a path line (e.g. editBusinessProfile) ends the previous route's block.
    if (line.startsWith('Authorizations:') && !/^\/api\//.test(previous)) route = undefined;
    previous = line.trim() || previous;
    if (path) {
      route = path[1];
      fields.set(route as string, []);
      collecting = false;
      continue;
    }
    if (/^(Request Body schema|query Parameters)/.test(line)) collecting = true;
    else if (/^(Responses|path Parameters)/.test(line)) collecting = false;
    else if (collecting && route) {
      const field = /^\$?(\w+)(?: required)? \|/.exec(line.trim());
      // "object |" is an unnamed field of the published page (add-new-label's options), not a name.
      if (field && field[1] !== 'object') fields.get(route)?.push(field[1] as string);
    }
  }
  return fields;
}
