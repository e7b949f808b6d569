import test from 'ava';
import { isFailure, reproCommand, SLICE_CASES } from '../fuzz/engine.ts';
import { runFuzz } from '../fuzz/harness.ts';

// The fast slice of `npm run fuzz`: every route of the OpenAPI document, whoever added it, gets
// malformed input (wrong types, invalid JSON, traversal, junk query, hostile session names).
test('every route answers malformed input with a 4xx JSON error, never a 5xx, hang, crash or escape', async (t) => {
  // The route count grows with every plugin; the machine is shared. Bounded per request, not per suite.
  t.timeout(180_000);
  const run = await runFuzz({ slice: true, cases: SLICE_CASES, timeoutMs: 10_000 });
  t.teardown(() => run.daemon.close());
  const failures = run.outcomes
    .filter((outcome) => isFailure(outcome.verdict))
    .map(
      (o) =>
        `${o.target} [${o.caseName}] ${o.label}: ${o.verdict} ${o.status} ${o.detail}\n  ${reproCommand(o)}`,
    );
  t.deepEqual(failures, []);
  const untouched = run.targets
    .filter((target) => !run.outcomes.some((o) => o.target === target.id))
    .map((target) => target.id);
  t.deepEqual(untouched, [], 'every route got at least one malformed request');
  t.true(run.targets.length > 10, 'the document lists the routes');
  t.log(`${run.targets.length} routes, ${run.outcomes.length} requests`);
});
