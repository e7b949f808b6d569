/**
 * Profiles one HTTP scenario (not a test): starts the daemon on the sandbox engine under
 * `node --cpu-prof`, connects two sessions, loads one route with autocannon from this process, stops
 * the daemon and prints the functions with the most self time and the most inclusive time.
 *
 *   node --import tsx bench/profile.ts status|healthz|nope|send|wrong-token [--duration 5] [--top 30]
 *   node --import tsx bench/profile.ts --summarize file.cpuprofile
 *
 * The .cpuprofile file stays in bench/results/profiles/ (open it in Chrome DevTools for the flame chart).
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { SCENARIOS, type Scenario, scenarioOptions, spawnDaemon, stop } from './harness.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

/** Self and inclusive sample shares per function (a recursive function is counted once per stack). */
export function summarize(file: string, top = 30): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    const short = url.includes('node_modules/')
      ? url.slice(url.lastIndexOf('node_modules/') + 13)
      : url || '(native)';
    return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    total += node.hitCount;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + node.hitCount);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const ancestor = byId.get(id) as ProfileNode;
      const key = label(ancestor);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + node.hitCount);
    }
  }
  const table = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return `${total} samples\n-- self --\n${table(self)}\n-- inclusive --\n${table(inclusive)}`;
}

async function main() {
  if (args[0] === '--summarize') {
    console.log(summarize(args[1] as string, option('top', 30)));
    return;
  }
  const scenario = (args[0] ?? 'status') as Scenario;
  if (!SCENARIOS.includes(scenario))
    throw new Error(`unknown scenario ${scenario}; one of ${SCENARIOS.join(', ')}`);
  const dir = path.resolve('bench/results/profiles');
  fs.mkdirSync(dir, { recursive: true });
  const before = new Set(fs.readdirSync(dir));
  const daemon = await spawnDaemon(
    {},
    { nodeArgs: ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${dir}`], pinned: true },
  );
  const options = await scenarioOptions(daemon.url);
  const result = await autocannon({ connections: 50, duration: option('duration', 5), ...options[scenario] });
  console.log(`${scenario}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`);
  await stop(daemon.child);
  fs.rmSync(daemon.dataDir, { recursive: true, force: true });
  const file = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const named = path.join(dir, `${scenario}-${file}`);
  fs.renameSync(path.join(dir, file), named);
  console.log(named);
  console.log(summarize(named, option('top', 30)));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
