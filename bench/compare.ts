/**
 * A/B of two checkouts on this machine (not a test): both daemons run at once and short autocannon
 * runs alternate A B B A A B …; prints each side's req/s, main-thread CPU µs per request and p99
 * latency, with their medians. For measuring one fix on a VM whose speed drifts more between back-to-back runs
 * than most fixes change.
 *
 *   node --import tsx bench/compare.ts <checkout A> <checkout B> [status|send|wrong-token|healthz|nope]
 *        [--rounds 6] [--duration 3]
 *
 * A checkout is a directory with this project and its node_modules, for instance the commit before
 * a fix: `git worktree add /tmp/before HEAD~1 && ln -s "$PWD/node_modules" /tmp/before/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type Load,
  load,
  median,
  SCENARIOS,
  type Scenario,
  scenarioOptions,
  spawnDaemon,
  stop,
} from './harness.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const [rootA, rootB, scenarioArg = 'status'] = args.filter(
  (arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'),
);
const scenario = scenarioArg as Scenario;
if (!rootA || !rootB || !SCENARIOS.includes(scenario)) {
  console.error(
    `usage: compare.ts <checkout A> <checkout B> [${SCENARIOS.join('|')}] [--rounds 6] [--duration 3]`,
  );
  process.exit(2);
}
const rounds = option('rounds', 6);
const duration = option('duration', 3);

const sides = await Promise.all(
  [rootA, rootB].map(async (root, index) => {
    const daemon = await spawnDaemon({}, { root: path.resolve(root), pinned: true });
    const options = (await scenarioOptions(daemon.url))[scenario];
    return { name: index === 0 ? 'A' : 'B', root, daemon, options, loads: [] as Load[] };
  }),
);
try {
  const run = (side: (typeof sides)[number]) =>
    load(side.daemon.child.pid as number, { connections: 50, duration, ...side.options });
  for (const side of sides) await run(side); // warm-up, unrecorded
  for (let round = 0; round < rounds; round += 1) {
    // A B, then B A: neither side always runs right after the other.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) side.loads.push(await run(side));
  }
  for (const side of sides) {
    const rps = side.loads.map((l) => l.rps);
    const us = side.loads.map((l) => l.cpuUsPerRequest);
    const p99 = side.loads.map((l) => l.p99);
    console.log(
      `${side.name} ${side.root}: ${scenario} median ${median(rps)} req/s, ${median(us)} µs/req, p99 ${median(p99)} ms (runs: ${rps.join(' ')} req/s; ${us.join(' ')} µs; p99 ${p99.join(' ')} ms)`,
    );
  }
} finally {
  await Promise.all(sides.map((side) => stop(side.daemon.child)));
  for (const side of sides) fs.rmSync(side.daemon.dataDir, { recursive: true, force: true });
}
