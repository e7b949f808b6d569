import fs from 'node:fs';
import test from 'ava';
import {
  contractFromShared,
  referenceRoutes,
  SHARED_REFERENCE,
  SHARED_SEED,
  seedFields,
} from '../helpers/reference.ts';

// The tests read the contract from test/fixtures/contract.json; where the workplace's sources are
// beside the checkout (../shared, as in CI), the fixture must still say what they say.
test('the contract fixture matches the reference routes and the published docs', (t) => {
  t.is(referenceRoutes().length, 156);
  t.true(seedFields().size > 40);
  if (!fs.existsSync(SHARED_REFERENCE) || !fs.existsSync(SHARED_SEED)) {
    t.log('../shared is not beside this checkout: the fixture was not compared with its sources');
    return;
  }
  const fromShared = contractFromShared();
  t.deepEqual(referenceRoutes(), fromShared.routes, 'routes.tsv changed: npm run contract:update');
  t.deepEqual(
    Object.fromEntries(seedFields()),
    fromShared.seedFields,
    'the seed changed: npm run contract:update',
  );
});
