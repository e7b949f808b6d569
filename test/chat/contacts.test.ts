import test from 'ava';
import { lidFor } from '../../plugins/engine-sandbox/network.ts';
import { PNG, pair, say, upload } from './helpers.ts';

test('check-number-status, profile, contact and all-contacts', async (t) => {
  const p = await pair(t);
  const exists = await p.d.api('alice', 'GET', `check-number-status/${p.bob}`);
  t.is(exists.status, 200);
  t.is(exists.body.status, 'success');
  t.true(exists.body.response.numberExists);
  t.is(exists.body.response.id._serialized, `${p.bob}@c.us`);
  const missing = await p.d.api('alice', 'GET', 'check-number-status/5511912340000');
  t.is(missing.status, 200);
  t.false(missing.body.response.numberExists);

  const profile = await p.d.api('alice', 'GET', `profile/${p.bob}`);
  t.is(profile.status, 200);
  t.true(profile.body.response.canReceiveMessage);

  await p.d.api('bob', 'POST', 'change-username', { name: 'Bob Builder' });
  const contact = await p.d.api('alice', 'GET', `contact/${p.bob}`);
  t.is(contact.status, 200);
  t.is(contact.body.response.id, `${p.bob}@c.us`);
  t.is(contact.body.response.pushname, 'Bob Builder', "another session's name change shows");
  t.is((await p.d.api('alice', 'GET', 'contact/5511912340000')).status, 404);

  await p.d.api('alice', 'POST', 'sandbox/inbound', { from: '5511900000051', body: 'hi', pushname: 'Carol' });
  const contacts = await p.d.api('alice', 'GET', 'all-contacts');
  t.is(contacts.status, 200);
  const ids = contacts.body.response.map((c: any) => c.id);
  t.true(ids.includes(`${p.bob}@c.us`));
  t.true(ids.includes('5511900000051@c.us'));
  t.false(ids.includes(`${p.alice}@c.us`));
  t.is(contacts.body.response.find((c: any) => c.id === '5511900000051@c.us').pushname, 'Carol');

  t.is((await p.d.api('alice', 'GET', 'check-number-status/abc%3Cscript%3E')).status, 400);
});

test('contact/pn-lid maps a number to its LID and back (raw answer)', async (t) => {
  const p = await pair(t);
  const lid = lidFor(p.bob);
  const byPhone = await p.d.api('alice', 'GET', `contact/pn-lid/${p.bob}@c.us`);
  t.is(byPhone.status, 200);
  t.is(byPhone.body.lid._serialized, lid);
  t.is(byPhone.body.phoneNumber._serialized, `${p.bob}@c.us`);
  t.is(byPhone.body.contact.pushname, 'bob');

  const byLid = await p.d.api('alice', 'GET', `contact/pn-lid/${lid}`);
  t.is(byLid.status, 200);
  t.is(byLid.body.phoneNumber._serialized, `${p.bob}@c.us`);
  t.is(byLid.body.lid._serialized, lid);

  // An outside contact's LID is known once it wrote to us.
  const outsider = '5511900000061';
  await p.d.api('alice', 'POST', 'sandbox/inbound', { from: outsider, body: 'hi' });
  const outsiderLid = await p.d.api('alice', 'GET', `contact/pn-lid/${lidFor(outsider)}`);
  t.is(outsiderLid.body.phoneNumber._serialized, `${outsider}@c.us`);

  t.is((await p.d.api('alice', 'GET', `contact/pn-lid/${p.bob}`)).body.lid._serialized, lid, 'a bare number');
  const bad = await p.d.api('alice', 'GET', 'contact/pn-lid/x@example.com');
  t.is(bad.status, 400);
  t.is((await p.d.api('alice', 'GET', 'contact/pn-lid/5511912340000@c.us')).status, 404);
});

test('profile-status and profile-pic show what another session set', async (t) => {
  const p = await pair(t);
  const before = await p.d.api('alice', 'GET', `profile-status/${p.bob}`);
  t.is(before.status, 200);
  t.is(before.body.response.status, 'Hey there! I am using WhatsApp.');

  const set = await p.d.api('bob', 'POST', 'profile-status', { status: 'At the gym' });
  t.is(set.status, 200);
  t.is(set.body.status, 'success');
  const after = await p.d.api('alice', 'GET', `profile-status/${p.bob}`);
  t.deepEqual(after.body.response, { id: `${p.bob}@c.us`, status: 'At the gym' });
  t.is((await p.d.api('bob', 'POST', 'profile-status', { status: 'x'.repeat(200) })).status, 400);
  t.is((await p.d.api('bob', 'POST', 'profile-status', {})).status, 400);

  const noPicture = await p.d.api('alice', 'GET', `profile-pic/${p.bob}`);
  t.is(noPicture.status, 200);
  t.is(noPicture.body.response.eurl, '');

  const changed = await upload(
    p.d,
    'bob',
    'set-profile-pic',
    { note: 'x' },
    {
      bytes: PNG,
      name: 'me.png',
      type: 'image/png',
    },
  );
  t.is(changed.status, 200);
  t.deepEqual(changed.body.response, { message: 'Profile photo successfully changed' });
  const picture = await p.d.api('alice', 'GET', `profile-pic/${p.bob}`);
  t.is(picture.body.response.eurl, `data:image/png;base64,${PNG.toString('base64')}`);
  t.truthy(picture.body.response.tag);

  const noFile = await upload(p.d, 'bob', 'set-profile-pic', { note: 'x' });
  t.is(noFile.status, 400);
  t.deepEqual(noFile.body, { status: 'Error', message: 'File parameter is required!' });
  const notImage = await upload(
    p.d,
    'bob',
    'set-profile-pic',
    { note: 'x' },
    {
      bytes: Buffer.from('#!/bin/sh\necho hi\n'),
      name: 'me.png',
      type: 'image/png',
    },
  );
  t.is(notImage.status, 400);
});

test('block-contact: a blocked contact’s messages are not delivered until unblock-contact', async (t) => {
  const p = await pair(t);
  const blocked = await p.d.api('alice', 'POST', 'block-contact', { phone: p.bob });
  t.is(blocked.status, 200);
  t.like(blocked.body, { status: 'success', response: { message: 'Contact blocked' } });
  const list = await p.d.api('alice', 'GET', 'blocklist');
  t.is(list.status, 200);
  t.deepEqual(list.body.response, [{ phone: p.bob }]);

  const sent = await say(p, 'bob', p.alice, 'you there?');
  t.is(sent.ack, 1, 'one tick: never delivered');
  t.is(p.network.chatMessages('alice', `${p.bob}@c.us`).length, 0);

  const outsider = '5511900000071';
  await p.d.api('alice', 'POST', 'block-contact', { phone: outsider });
  await p.d.api('alice', 'POST', 'sandbox/inbound', { from: outsider, body: 'spam' });
  t.is(p.network.chatMessages('alice', `${outsider}@c.us`).length, 0);

  const unblocked = await p.d.api('alice', 'POST', 'unblock-contact', { phone: p.bob });
  t.like(unblocked.body, { status: 'success', response: { message: 'Contact UnBlocked' } });
  t.deepEqual((await p.d.api('alice', 'GET', 'blocklist')).body.response, [{ phone: outsider }]);
  await say(p, 'bob', p.alice, 'now?');
  t.deepEqual(
    p.network.chatMessages('alice', `${p.bob}@c.us`).map((m) => m.body),
    ['now?'],
  );

  t.is((await p.d.api('alice', 'POST', 'block-contact', { phone: '5511912340000' })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'block-contact', {})).status, 400);
});

test('profile-pic with isGroup shows the group icon another member set; group chats are listed', async (t) => {
  const p = await pair(t);
  const created = await p.d.api('alice', 'POST', 'create-group', { name: 'Team', participants: [p.bob] });
  t.is(created.status, 201);
  const groupNumber = created.body.response.groupInfo[0].id;
  t.is((await p.d.api('bob', 'GET', `profile-pic/${groupNumber}?isGroup=true`)).body.response.eurl, '');

  const form = new FormData();
  form.append('groupId', groupNumber);
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'pic.png');
  const icon = await fetch(`${p.d.url}/api/alice/group-pic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await p.d.token('alice')}` },
    body: form,
  });
  t.is(icon.status, 201);
  const picture = await p.d.api('bob', 'GET', `profile-pic/${groupNumber}@g.us`);
  t.is(picture.status, 200);
  t.truthy(picture.body.response.eurl);
  t.truthy(picture.body.response.tag);

  const groups = await p.d.api('bob', 'POST', 'list-chats', { onlyGroups: true });
  t.deepEqual(
    groups.body.map((c: any) => c.id._serialized),
    [`${groupNumber}@g.us`],
  );
  t.is(groups.body[0].name, 'Team');
});
