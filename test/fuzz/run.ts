/**
 * `npm run fuzz`: every case against every route of the daemon's OpenAPI document, on a sandbox
 * daemon with connected sessions. Prints routes × cases and, for each failure, one command that
 * reproduces it. Exits 1 when any request got a 5xx, hung, dropped the connection, answered non-JSON,
 * crashed the daemon or wrote outside its data dir.
 *
 *   npm run fuzz                                    all routes, all cases
 *   npm run fuzz -- --route send-message            routes whose "METHOD /path" contains the text
 *   npm run fuzz -- --route 'POST /api/{session}/send-message' --case huge-strings
 *   npm run fuzz -- --slice                         the small, fast slice `npm test` runs
 */
import { parseArgs } from 'node:util';
import { CASES, curlCommand, isFailure, reproCommand, SLICE_CASES, table } from './engine.ts';
import { runFuzz } from './harness.ts';

const { values } = parseArgs({
  options: {
    route: { type: 'string' },
    case: { type: 'string', multiple: true },
    slice: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '10000' },
    verbose: { type: 'boolean', default: false },
  },
});

const unknownCases = (values.case ?? []).filter((name) => !CASES.some((c) => c.name === name));
if (unknownCases.length > 0) {
  process.stderr.write(
    `unknown case(s): ${unknownCases.join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}\n`,
  );
  process.exit(2);
}

const started = Date.now();
let targetStarted = Date.now();
const run = await runFuzz({
  slice: values.slice,
  route: values.route,
  cases: values.case ?? (values.slice ? SLICE_CASES : undefined),
  timeoutMs: Number(values.timeout),
  onTarget: (target, outcomes) => {
    const bad = outcomes.filter((o) => isFailure(o.verdict)).length;
    const ms = Date.now() - targetStarted;
    targetStarted = Date.now();
    process.stderr.write(
      `${bad ? '✗' : '✓'} ${target.id} (${outcomes.length} requests${bad ? `, ${bad} failed` : ''}, ${ms} ms)\n`,
    );
  },
});

const failures = run.outcomes.filter((o) => isFailure(o.verdict));
const unsupported = run.outcomes.filter((o) => o.verdict === 'not-implemented');
process.stdout.write(`\n${table(run.targets, run.caseNames, run.outcomes)}\n\n`);
process.stdout.write(
  `${run.targets.length} routes, ${run.outcomes.length} requests, ${failures.length} failures, ${unsupported.length} answered 501, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
for (const failure of failures) {
  process.stdout.write(
    `\n✗ ${failure.target} [${failure.caseName}] ${failure.label}\n  ${failure.verdict} ${failure.status || ''} ${failure.detail}\n  repro: ${reproCommand(failure)}\n`,
  );
  if (failure.request.method) process.stdout.write(`  curl:  ${curlCommand(run.ctx, failure.request)}\n`);
}
if (values.verbose)
  for (const outcome of unsupported)
    process.stdout.write(`\nn ${outcome.target} [${outcome.caseName}] ${outcome.detail}\n`);
await run.daemon.close();
process.exit(failures.length > 0 ? 1 : 0);
