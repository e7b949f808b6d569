import test from 'ava';
import { PNG, phones } from '../groups/helpers.ts';

const PICTURE = `data:image/png;base64,${PNG.toString('base64')}`;

async function create(p: Awaited<ReturnType<typeof phones>>, session = 'alice') {
  const res = await p.d.api(session, 'POST', 'newsletter', {
    name: 'News',
    options: { description: 'Daily', picture: PICTURE },
  });
  if (res.status !== 201) throw new Error(`newsletter answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { idJid: string; name: string; description: string; inviteLink: string };
}

test('create: RAW 201 with the channel; only its owner posts into it with send-message isNewsletter', async (t) => {
  const p = await phones(t);
  const created = await p.d.api('alice', 'POST', 'newsletter', {
    name: 'News',
    options: { description: 'Daily' },
  });
  t.is(created.status, 201);
  t.like(created.body, { name: 'News', description: 'Daily', state: 'ACTIVE', subscribersCount: 0 });
  t.is(created.body.status, undefined); // RAW
  t.regex(created.body.idJid, /^\d+@newsletter$/);
  const id = created.body.idJid as string;

  const posted = await p.d.api('alice', 'POST', 'send-message', {
    phone: id.split('@')[0],
    isNewsletter: true,
    message: 'first post',
  });
  t.is(posted.status, 201);
  t.is(posted.body.response[0].to, id);
  t.deepEqual(
    p.network.chatMessages('', id).map((m) => m.body),
    ['first post'],
  ); // the channel's feed

  const intruder = await p.d.api('bob', 'POST', 'send-message', {
    phone: id,
    isNewsletter: true,
    message: 'spam',
  });
  t.true(intruder.status >= 400);
  t.is(p.network.chatMessages('', id).length, 1);

  t.is((await p.d.api('alice', 'POST', 'newsletter', {})).status, 400);
  t.is(
    (await p.d.api('alice', 'POST', 'newsletter', { name: 'x', options: { picture: 'not base64!' } })).status,
    400,
  );
});

test('edit: name, description, picture or null; only the owner', async (t) => {
  const p = await phones(t);
  const { idJid } = await create(p);
  const stored = () =>
    p.network.getEntity<{ name: string; description: string; picture: string | null }>(
      '',
      'newsletter',
      idJid,
    );
  t.truthy(stored()?.picture);

  const edited = await p.d.api('alice', 'PUT', `newsletter/${idJid}`, {
    name: 'Weekly',
    description: 'Every week',
    picture: null,
  });
  t.is(edited.status, 201);
  t.like(edited.body, { name: 'Weekly', description: 'Every week' });
  t.like(stored(), { name: 'Weekly', description: 'Every week', picture: null });
  const withPicture = await p.d.api('alice', 'PUT', `newsletter/${idJid.split('@')[0]}`, {
    picture: PICTURE,
  });
  t.is(withPicture.status, 201);
  t.truthy(stored()?.picture);
  t.is(stored()?.name, 'Weekly'); // untouched fields stay

  const bob = await p.d.api('bob', 'PUT', `newsletter/${idJid}`, { name: 'Mine' });
  t.is(bob.status, 403);
  t.like(bob.body, {
    status: 'Error',
    response: { message: 'Error retrieving information', session: 'bob' },
  });
  t.is(stored()?.name, 'Weekly');
  t.is((await p.d.api('alice', 'PUT', `newsletter/${idJid}`, { name: '' })).status, 400);
});

test('delete: only the owner; the channel then takes no posts; mute answers the chat', async (t) => {
  const p = await phones(t);
  const { idJid } = await create(p);

  const muted = await p.d.api('bob', 'POST', `mute-newsletter/${idJid}`);
  t.is(muted.status, 201);
  t.is(muted.body.id._serialized, idJid);
  t.is(muted.body.muteExpiration, -1);
  t.truthy(p.network.getEntity('bob', 'newsletter-mute', idJid));

  t.is((await p.d.api('bob', 'DELETE', `newsletter/${idJid}`)).status, 403);
  const deleted = await p.d.api('alice', 'DELETE', `newsletter/${idJid}`);
  t.is(deleted.status, 201);
  t.is(deleted.body, true);
  const post = await p.d.api('alice', 'POST', 'send-message', {
    phone: idJid,
    isNewsletter: true,
    message: 'x',
  });
  t.true(post.status >= 400);
  t.is((await p.d.api('alice', 'DELETE', `newsletter/${idJid}`)).status, 404);
  t.is((await p.d.api('bob', 'POST', 'mute-newsletter/123@newsletter')).status, 404);
});

test('a newsletter survives a restart and its owner still posts into it', async (t) => {
  const p = await phones(t, ['alice']);
  const { idJid } = await create(p);
  await p.d.close();
  const { startDaemon } = await import('../helpers/daemon.ts');
  const again = await startDaemon({ dataDir: p.d.dataDir });
  t.teardown(() => again.close());
  await again.connect('alice');
  const posted = await again.api('alice', 'POST', 'send-message', {
    phone: idJid,
    isNewsletter: true,
    message: 'x',
  });
  t.is(posted.status, 201);
  t.is((await again.api('alice', 'PUT', `newsletter/${idJid}`, { name: 'Renamed' })).status, 201);
});
