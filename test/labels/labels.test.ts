import test from 'ava';
import { phones, waitFor } from '../groups/helpers.ts';

async function newLabel(p: Awaited<ReturnType<typeof phones>>, name: string, options?: unknown) {
  const res = await p.d.api('alice', 'POST', 'add-new-label', { name, options });
  if (res.status !== 201)
    throw new Error(`add-new-label answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.response as { id: string; name: string; hexColor: string; count: number };
}

test('add-new-label and get-all-labels: envelopes (201 even for the GET) and the stored label', async (t) => {
  const p = await phones(t, ['alice']);
  const created = await p.d.api('alice', 'POST', 'add-new-label', {
    name: 'VIP',
    options: { labelColor: 4292849392 },
  });
  t.is(created.status, 201);
  t.like(created.body, {
    status: 'success',
    response: { name: 'VIP', color: 4292849392, hexColor: '#dfaef0' },
  });
  const all = await p.d.api('alice', 'GET', 'get-all-labels');
  t.is(all.status, 201);
  t.is(all.body.status, 'success');
  t.deepEqual(
    all.body.response.map((l: any) => [l.id, l.name, l.count]),
    [[created.body.response.id, 'VIP', 0]],
  );
  const missing = await p.d.api('alice', 'POST', 'add-new-label', {});
  t.is(missing.status, 401);
  t.like(missing.body, { message: 'Name was not informed' });
  t.is(
    (await p.d.api('alice', 'POST', 'add-new-label', { name: 'x', options: { labelColor: 'red' } })).status,
    400,
  );
});

test('add-or-remove-label: many chats and labels, add and remove in one call; onupdatelabel; chats show them', async (t) => {
  const p = await phones(t);
  const vip = await newLabel(p, 'VIP');
  const lead = await newLabel(p, 'Lead');
  const bobChat = `${p.numbers.bob}@c.us`;
  const other = '5511987650001';
  // labels go on chats that exist: alice talks to both first
  for (const phone of [p.numbers.bob, other])
    t.is((await p.d.api('alice', 'POST', 'send-message', { phone, message: 'hi' })).status, 201);

  const added = await p.d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [p.numbers.bob, other],
    options: [
      { labelId: vip.id, type: 'add' },
      { labelId: lead.id, type: 'add' },
    ],
  });
  t.is(added.status, 201);
  t.like(added.body, { status: 'success' });
  let labels = (await p.d.api('alice', 'GET', 'get-all-labels')).body.response;
  t.deepEqual(
    labels.map((l: any) => l.count),
    [2, 2],
  );
  const event = await waitFor(async () =>
    p.events.find((e) => e.name === 'onupdatelabel' && e.payload.chat.id._serialized === bobChat),
  );
  t.is(event.session, 'alice');
  t.is(event.payload.type, 'add');
  t.deepEqual(event.payload.ids, [vip.id, lead.id]);
  t.deepEqual(
    event.payload.labels.map((l: any) => l.name),
    ['VIP', 'Lead'],
  );

  // remove one and keep the other, in the same call as an add elsewhere
  const mixed = await p.d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [p.numbers.bob],
    options: [{ labelId: lead.id, type: 'remove' }],
  });
  t.is(mixed.status, 201);
  labels = (await p.d.api('alice', 'GET', 'get-all-labels')).body.response;
  t.deepEqual(
    labels.map((l: any) => [l.name, l.count]),
    [
      ['VIP', 2],
      ['Lead', 1],
    ],
  );
  const removal = await waitFor(async () =>
    p.events.find((e) => e.name === 'onupdatelabel' && e.payload.type === 'remove'),
  );
  t.deepEqual(removal.payload.ids, [lead.id]);
  t.deepEqual(removal.payload.chat.labels, [vip.id]);

  // the chat object carries its labels: list-chats' withLabels filter sees them
  const chats = await p.d.api('alice', 'POST', 'list-chats', { withLabels: [lead.id] });
  t.is(chats.status, 200);
  t.deepEqual(
    chats.body.map((c: any) => c.id._serialized),
    [`${other}@c.us`],
  );

  // labels are per session: bob has none
  t.deepEqual((await p.d.api('bob', 'GET', 'get-all-labels')).body.response, []);

  const missing = await p.d.api('alice', 'POST', 'add-or-remove-label', { chatIds: [p.numbers.bob] });
  t.is(missing.status, 401);
  t.like(missing.body, { message: 'chatIds or options was not informed' });
  const unknown = await p.d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [p.numbers.bob],
    options: [{ labelId: '999', type: 'add' }],
  });
  t.is(unknown.status, 404);
  t.like(unknown.body, { status: 'Error', message: 'Erro ao adicionar/deletar etiqueta.' });
  t.is(
    (
      await p.d.api('alice', 'POST', 'add-or-remove-label', {
        chatIds: [p.numbers.bob],
        options: [{ labelId: vip.id, type: 'toggle' }],
      })
    ).status,
    400,
  );
});

test('delete-label and delete-all-labels remove labels and unassign chats (onupdatelabel remove)', async (t) => {
  const p = await phones(t);
  const vip = await newLabel(p, 'VIP');
  const lead = await newLabel(p, 'Lead');
  await p.d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [p.numbers.bob],
    options: [
      { labelId: vip.id, type: 'add' },
      { labelId: lead.id, type: 'add' },
    ],
  });

  const deleted = await p.d.api('alice', 'PUT', `delete-label/${vip.id}`);
  t.is(deleted.status, 201);
  t.like(deleted.body, { status: 'success' });
  t.deepEqual(
    (await p.d.api('alice', 'GET', 'get-all-labels')).body.response.map((l: any) => l.name),
    ['Lead'],
  );
  const removal = await waitFor(async () =>
    p.events.find((e) => e.name === 'onupdatelabel' && e.payload.type === 'remove'),
  );
  t.deepEqual(removal.payload.ids, [vip.id]);
  const missing = await p.d.api('alice', 'PUT', `delete-label/${vip.id}`);
  t.is(missing.status, 404);
  t.like(missing.body, { status: 'Error', message: 'Erro ao deletar etiqueta.' });

  const all = await p.d.api('alice', 'PUT', 'delete-all-labels');
  t.is(all.status, 201);
  t.like(all.body, { status: 'success' });
  t.deepEqual((await p.d.api('alice', 'GET', 'get-all-labels')).body.response, []);
  t.deepEqual(p.network.getEntity('alice', 'chat-labels', `${p.numbers.bob}@c.us`), undefined);
  t.is((await p.d.api('idle', 'PUT', 'delete-all-labels')).status, 404);
});

test('labels and their chats survive a restart', async (t) => {
  const p = await phones(t);
  const vip = await newLabel(p, 'VIP');
  await p.d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [p.numbers.bob],
    options: [{ labelId: vip.id, type: 'add' }],
  });
  await p.d.close();
  const { startDaemon } = await import('../helpers/daemon.ts');
  const again = await startDaemon({ dataDir: p.d.dataDir });
  t.teardown(() => again.close());
  await again.connect('alice');
  const labels = await again.api('alice', 'GET', 'get-all-labels');
  t.deepEqual(
    labels.body.response.map((l: any) => [l.name, l.count]),
    [['VIP', 1]],
  );
});
