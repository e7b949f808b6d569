import fs from 'node:fs';

/**
 * The contract facts the tests check wppd against: the 156 routes of wppconnect-server (method,
 * path, tag, plugin) and the request field names its published docs give each route. They live in
 * test/fixtures/contract.json so any checkout can run the tests; the workplace's sources sit beside
 * the repo as ../shared, and test/core/contract-fixture.test.ts checks the fixture still matches
 * them wherever they are present (`npm run contract:update` rewrites it).
 */
const FIXTURE = new URL('../fixtures/contract.json', import.meta.url);
export const SHARED_REFERENCE = new URL('../../../shared/reference/routes.tsv', import.meta.url);
export const SHARED_SEED = new URL('../../../shared/seed/wppconnect-api-2.0.0.txt', import.meta.url);

export interface ReferenceRoute {
  method: string;
  path: string;
  tag: string;
  plugin: string;
}

export interface ContractFixture {
  routes: ReferenceRoute[];
  /** Route (after `/api/{session}/`) → its documented body and query field names. */
  seedFields: Record<string, string[]>;
}

let fixture: ContractFixture | undefined;
function contract(): ContractFixture {
  fixture ??= JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as ContractFixture;
  return fixture;
}

/** The 156 routes, each with the plugin it belongs to. */
export function referenceRoutes(): ReferenceRoute[] {
  return contract().routes;
}

/** The request fields (body and query) the published docs give each `/api/{session}/…` route. */
export function seedFields(): Map<string, string[]> {
  return new Map(Object.entries(contract().seedFields));
}

/** Reads the contract from the workplace's sources (routes.tsv and the published docs' text). */
export function contractFromShared(): ContractFixture {
  return { routes: parseRoutesTsv(), seedFields: Object.fromEntries(parseSeedFields()) };
}

/** routes.tsv: the 156 routes, each with the plugin it belongs to. */
function parseRoutesTsv(): ReferenceRoute[] {
  return fs
    .readFileSync(SHARED_REFERENCE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [method = '', path = '', , tag = '', plugin = ''] = line.split('\t');
      return { method, path, tag, plugin };
    });
}

/** The request fields (body and query) the published docs give each `/api/{session}/…` route. */
function parseSeedFields(): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let route: string | undefined;
  let collecting = false;
  let previous = '';
  for (const line of fs.readFileSync(SHARED_SEED, 'utf8').split('\n')) {
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
