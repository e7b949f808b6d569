import test from 'ava';
import { makeGroup, PNG, phones, waitFor } from './helpers.ts';

test('create-group: envelope, and the group is seen by a member session', async (t) => {
  const p = await phones(t);
  const res = await p.d.api('alice', 'POST', 'create-group', { name: 'Team', participants: [p.numbers.bob] });
  t.is(res.status, 201);
  t.is(res.body.status, 'success');
  t.is(res.body.response.message, 'Group(s) created successfully');
  t.is(res.body.response.group, 'Team');
  const [info] = res.body.response.groupInfo;
  t.is(info.name, 'Team');
  t.regex(info.id, /^120363\d{12}$/);
  t.deepEqual(Object.keys(info.participants), [`${p.numbers.bob}@c.us`]);
  t.is(info.participants[`${p.numbers.bob}@c.us`].code, 200);

  // a `,` list of names makes one group per name, as wppconnect-server does
  const two = await p.d.api('alice', 'POST', 'create-group', {
    name: 'One, Two',
    participants: p.numbers.bob,
  });
  t.is(two.status, 201);
  t.deepEqual(
    two.body.response.groupInfo.map((g: any) => g.name),
    ['One', 'Two'],
  );

  const groups = await p.d.api('bob', 'GET', 'all-groups');
  t.is(groups.status, 200);
  t.is(groups.body.status, 'success');
  t.deepEqual(
    groups.body.response.map((c: any) => [c.name, c.isGroup]),
    [
      ['Team', true],
      ['One', true],
      ['Two', true],
    ],
  );
  t.is(groups.body.response[0].id._serialized, `${info.id}@g.us`);
  // bob learns he was added
  const added = await waitFor(async () =>
    p.events.find((e) => e.session === 'bob' && e.name === 'onparticipantschanged'),
  );
  t.like(added.payload, { groupId: `${info.id}@g.us`, action: 'add', by: `${p.numbers.alice}@c.us` });
});

test('create-group: a participant that does not exist is refused and nothing is created', async (t) => {
  const p = await phones(t, ['alice']);
  const res = await p.d.api('alice', 'POST', 'create-group', { name: 'X', participants: ['5511912340000'] });
  t.is(res.status, 400);
  t.is(res.body.message, 'O número 5511912340000 não existe.');
  t.deepEqual((await p.d.api('alice', 'GET', 'all-groups')).body.response, []);
  const missing = await p.d.api('alice', 'POST', 'create-group', { name: 'X' });
  t.is(
    (await p.d.api('alice', 'POST', 'create-group', { name: ' , ', participants: ['5511987650001'] })).status,
    400,
  );
  t.is(missing.status, 400);
  t.regex(missing.body.message, /participants/);
});

test('group-info, members, members-ids, admins and common-groups from a member session', async (t) => {
  const p = await phones(t, ['alice', 'bob', 'carol']);
  const group = await makeGroup(p, 'alice', ['bob', 'carol']);
  const short = group.split('@')[0];

  const info = await p.d.api('bob', 'GET', `group-info/${short}`);
  t.is(info.status, 200);
  t.is(info.body.status, 'success');
  const r = info.body.response;
  t.is(r.id, group);
  t.is(r.name, 'Team');
  t.is(r.subject, 'Team');
  t.is(r.subjectUpdatedBy, `${p.numbers.alice}@c.us`);
  t.regex(r.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.regex(r.subjectUpdatedAt, /Z$/);
  t.is(r.description, null);
  t.deepEqual(r.participants, [
    { id: `${p.numbers.alice}@c.us`, isAdmin: true },
    { id: `${p.numbers.bob}@c.us`, isAdmin: false },
    { id: `${p.numbers.carol}@c.us`, isAdmin: false },
  ]);

  const members = await p.d.api('bob', 'GET', `group-members/${group}`);
  t.is(members.status, 200);
  t.deepEqual(
    members.body.response.map((c: any) => c.id),
    [p.numbers.alice, p.numbers.bob, p.numbers.carol].map((n) => `${n}@c.us`),
  );
  const ids = await p.d.api('carol', 'GET', `group-members-ids/${group}`);
  t.is(ids.status, 200);
  t.is(ids.body.response[0]._serialized, `${p.numbers.alice}@c.us`);
  const admins = await p.d.api('carol', 'GET', `group-admins/${group}`);
  t.is(admins.status, 200);
  t.deepEqual(
    admins.body.response.map((list: any[]) => list.map((w) => w._serialized)),
    [[`${p.numbers.alice}@c.us`]],
  );
  const common = await p.d.api('bob', 'GET', `common-groups/${p.numbers.carol}@c.us`);
  t.is(common.status, 200);
  t.deepEqual(
    common.body.map((w: any) => w._serialized),
    [group],
  ); // RAW: no envelope

  // someone outside the group cannot read it
  const outsider = await phones(t, ['dave']);
  t.is((await outsider.d.api('dave', 'GET', `group-info/${short}`)).status, 404);
  t.is((await p.d.api('bob', 'GET', 'common-groups/not-a-number')).status, 400);
  const invalid = await p.d.api('bob', 'GET', 'group-info/%20');
  t.is(invalid.status, 400);
});

test('all-broadcast-list answers the envelope (sandbox phones have no lists)', async (t) => {
  const p = await phones(t, ['alice']);
  const res = await p.d.api('alice', 'GET', 'all-broadcast-list');
  t.is(res.status, 200);
  t.like(res.body, { status: 'success', response: [] });
  const idle = await p.d.api('idle', 'GET', 'all-broadcast-list');
  t.is(idle.status, 404);
});

test('invite link: join-code joins, revoke-link makes the old code stop working, info from link', async (t) => {
  const p = await phones(t, ['alice', 'bob', 'carol']);
  const group = await makeGroup(p, 'alice', ['bob']);
  const link = await p.d.api('alice', 'GET', `group-invite-link/${group}`);
  t.is(link.status, 200);
  t.is(link.body.status, 'success');
  t.regex(link.body.response, /^https:\/\/chat\.whatsapp\.com\/[\w-]+$/);
  const code = link.body.response.split('/').pop();

  const info = await p.d.api('carol', 'POST', 'group-info-from-invite-link', {
    invitecode: link.body.response,
  });
  t.is(info.status, 200);
  t.is(info.body.response.id, group);
  t.is(info.body.response.subject, 'Team');
  t.is(info.body.response.size, 2);

  const joined = await p.d.api('carol', 'POST', 'join-code', { inviteCode: code });
  t.is(joined.status, 201);
  t.deepEqual(joined.body.response, {
    message: 'The informed contact(s) entered the group successfully',
    contact: code,
  });
  const members = await p.d.api('alice', 'GET', `group-members-ids/${group}`);
  t.true(members.body.response.some((m: any) => m._serialized === `${p.numbers.carol}@c.us`));
  const joinEvent = await waitFor(async () =>
    p.events.find((e) => e.session === 'alice' && e.payload?.action === 'join'),
  );
  t.deepEqual(joinEvent.payload, {
    by: `${p.numbers.carol}@c.us`,
    byPushName: 'carol',
    groupId: group,
    action: 'join',
    operation: 'add',
    who: [`${p.numbers.carol}@c.us`],
  });

  // non-admins may neither see nor revoke the link
  t.is((await p.d.api('bob', 'GET', `group-invite-link/${group}`)).status, 403);
  const bobRevoke = await p.d.api('bob', 'GET', `group-revoke-link/${group}`);
  t.is(bobRevoke.status, 403);
  t.is(bobRevoke.body.error.code, 'group_you_are_not_admin');

  const revoked = await p.d.api('alice', 'GET', `group-revoke-link/${group}`);
  t.is(revoked.status, 200);
  t.is(revoked.body.status, 'Success');
  t.not(revoked.body.response, link.body.response);
  await p.d.api('carol', 'POST', 'leave-group', { groupId: group });
  const stale = await p.d.api('carol', 'POST', 'join-code', { inviteCode: code });
  t.is(stale.status, 404);
  t.is(stale.body.message, 'The informed contact(s) did not join the group successfully');
  t.is((await p.d.api('carol', 'POST', 'group-info-from-invite-link', { invitecode: code })).status, 404);
  const fresh = await p.d.api('carol', 'POST', 'join-code', { inviteCode: revoked.body.response });
  t.is(fresh.status, 201);

  const missing = await p.d.api('carol', 'POST', 'join-code', {});
  t.is(missing.status, 400);
  t.like(missing.body, { message: 'Invitation Code is required' });
  t.is((await p.d.api('carol', 'POST', 'group-info-from-invite-link', {})).status, 400);
});

test('add/remove/promote/demote: envelopes, effects seen by members, events, and admins only', async (t) => {
  const p = await phones(t, ['alice', 'bob', 'carol']);
  const group = await makeGroup(p, 'alice', ['bob']);
  const carol = `${p.numbers.carol}@c.us`;

  // bob is not an admin: WhatsApp refuses
  const refused = await p.d.api('bob', 'POST', 'add-participant-group', {
    groupId: group,
    phone: p.numbers.carol,
  });
  t.is(refused.status, 403);
  t.is(refused.body.status, 'error');
  t.is(refused.body.message, 'Error adding participant(s)');
  t.is(refused.body.error.code, 'group_you_are_not_admin');

  const added = await p.d.api('alice', 'POST', 'add-participant-group', {
    groupId: group,
    phone: p.numbers.carol,
  });
  t.is(added.status, 201);
  t.is(added.body.response.message, 'Addition to group attempted.');
  t.deepEqual(added.body.response.participants, [carol]);
  t.deepEqual(added.body.response.groups, [group]);
  t.is(added.body.response.result[0][carol].code, 200);
  const seen = await p.d.api('bob', 'GET', `group-members-ids/${group}`);
  t.true(seen.body.response.some((m: any) => m._serialized === carol));
  const addEvent = await waitFor(async () =>
    p.events.find((e) => e.session === 'carol' && e.payload?.action === 'add'),
  );
  t.deepEqual(addEvent.payload, {
    by: `${p.numbers.alice}@c.us`,
    byPushName: 'alice',
    groupId: group,
    action: 'add',
    operation: 'add',
    who: [carol],
  });

  const promoted = await p.d.api('alice', 'POST', 'promote-participant-group', {
    groupId: group,
    phone: p.numbers.bob,
  });
  t.is(promoted.status, 201);
  t.deepEqual(promoted.body.response, {
    message: 'Successful promoted participant(s)',
    participants: [`${p.numbers.bob}@c.us`],
    groups: [group],
  });
  const admins = await p.d.api('carol', 'GET', `group-admins/${group}`);
  t.is(admins.body.response[0].length, 2);
  t.truthy(p.events.find((e) => e.session === 'carol' && e.payload?.action === 'promote'));

  const demoted = await p.d.api('alice', 'POST', 'demote-participant-group', {
    groupId: group,
    phone: p.numbers.bob,
  });
  t.is(demoted.status, 201);
  t.is(demoted.body.response.message, 'Admin of participant(s) revoked successfully');
  t.is((await p.d.api('carol', 'GET', `group-admins/${group}`)).body.response[0].length, 1);
  t.truthy(p.events.find((e) => e.session === 'bob' && e.payload?.action === 'demote'));
  t.is(
    (await p.d.api('bob', 'POST', 'remove-participant-group', { groupId: group, phone: p.numbers.carol }))
      .status,
    403,
  );

  const removed = await p.d.api('alice', 'POST', 'remove-participant-group', {
    groupId: group,
    phone: p.numbers.carol,
  });
  t.is(removed.status, 200);
  t.is(removed.body.status, 'success');
  t.is(removed.body.response.message, 'Participant(s) removed successfully');
  t.deepEqual(removed.body.response.participants, [carol]);
  // carol no longer sees the group, and was told she was removed
  t.deepEqual((await p.d.api('carol', 'GET', 'all-groups')).body.response, []);
  const removal = await waitFor(async () =>
    p.events.find((e) => e.session === 'carol' && e.payload?.action === 'remove'),
  );
  t.deepEqual(removal.payload.who, [carol]);

  // validation: groupId and phone are required; unknown numbers are refused before anything changes
  const noGroup = await p.d.api('alice', 'POST', 'add-participant-group', { phone: p.numbers.carol });
  t.is(noGroup.status, 400);
  t.regex(noGroup.body.message, /groupId/);
  const ghost = await p.d.api('alice', 'POST', 'add-participant-group', {
    groupId: group,
    phone: '5511912340000',
  });
  t.is(ghost.status, 400);
  t.is(ghost.body.message, 'O número 5511912340000 não existe.');
  const unknownGroup = await p.d.api('alice', 'POST', 'promote-participant-group', {
    groupId: '120363999999999999',
    phone: p.numbers.bob,
  });
  t.is(unknownGroup.status, 404);
});

test('leave-group: envelope, members see the leaver event and the group no longer lists them', async (t) => {
  const p = await phones(t);
  const group = await makeGroup(p, 'alice', ['bob']);
  const left = await p.d.api('bob', 'POST', 'leave-group', { groupId: group });
  t.is(left.status, 200);
  t.like(left.body, {
    status: 'success',
    response: { messages: 'Você saiu do grupo com sucesso', group },
  });
  const event = await waitFor(async () =>
    p.events.find((e) => e.session === 'alice' && e.payload?.action === 'leaver'),
  );
  t.like(event.payload, { operation: 'remove', who: [`${p.numbers.bob}@c.us`] });
  const ids = await p.d.api('alice', 'GET', `group-members-ids/${group}`);
  t.deepEqual(
    ids.body.response.map((m: any) => m._serialized),
    [`${p.numbers.alice}@c.us`],
  );
  t.is((await p.d.api('bob', 'POST', 'leave-group', { groupId: group })).status, 404);
  t.is((await p.d.api('bob', 'POST', 'leave-group', {})).status, 400);
});

test('subject, description, property, messages-admins-only, privacy: effects and permissions', async (t) => {
  const p = await phones(t);
  const group = await makeGroup(p, 'alice', ['bob']);

  const subject = await p.d.api('alice', 'POST', 'group-subject', { groupId: group, title: 'Renamed' });
  t.is(subject.status, 200);
  t.like(subject.body, { status: 'success', response: true });
  const description = await p.d.api('bob', 'POST', 'group-description', {
    groupId: group,
    description: 'About us',
  });
  t.is(description.status, 200); // anyone may edit while the group is not restricted
  let info = (await p.d.api('bob', 'GET', `group-info/${group}`)).body.response;
  t.is(info.subject, 'Renamed');
  t.is(info.description, 'About us');
  t.is(info.descriptionUpdatedBy, `${p.numbers.bob}@c.us`);
  t.regex(info.descriptionUpdatedAt, /Z$/);

  // only admins change settings
  const notAdmin = await p.d.api('bob', 'POST', 'group-property', {
    groupId: group,
    property: 'restrict',
    value: true,
  });
  t.is(notAdmin.status, 403);
  t.is(notAdmin.body.message, 'Error on set group property');
  t.is(
    (await p.d.api('bob', 'POST', 'change-privacy-group', { groupId: group, status: 'true' })).status,
    403,
  );
  t.is((await p.d.api('bob', 'POST', 'messages-admins-only', { groupId: group, value: true })).status, 403);

  const privacy = await p.d.api('alice', 'POST', 'change-privacy-group', { groupId: group, status: 'true' });
  t.is(privacy.status, 200);
  t.deepEqual(privacy.body.response, { message: 'Group privacy changed successfully' });
  const restricted = await p.d.api('bob', 'POST', 'group-subject', { groupId: group, title: 'Mine' });
  t.is(restricted.status, 403);
  t.is(restricted.body.message, 'Error on set group subject');

  const property = await p.d.api('alice', 'POST', 'group-property', {
    groupId: group,
    property: 'restrict',
    value: false,
  });
  t.is(property.status, 200);
  t.like(property.body, { status: 'success', response: true });
  t.is((await p.d.api('bob', 'POST', 'group-subject', { groupId: group, title: 'Ours' })).status, 200);
  info = (await p.d.api('alice', 'GET', `group-info/${group}`)).body.response;
  t.is(info.subject, 'Ours');

  // messages-admins-only: bob can no longer post, alice still can
  const adminsOnly = await p.d.api('alice', 'POST', 'messages-admins-only', { groupId: group, value: true });
  t.like(adminsOnly.body, { status: 'success', response: true });
  const blocked = await p.d.api('bob', 'POST', 'send-message', {
    phone: group,
    isGroup: true,
    message: 'hi',
  });
  t.true(blocked.status >= 400 && blocked.status < 600);
  t.is(p.network.chatMessages('alice', group).length, 0);
  const chats = (await p.d.api('bob', 'GET', 'all-groups')).body.response;
  t.true(chats[0].groupMetadata.announce);

  t.is((await p.d.api('alice', 'POST', 'group-property', { groupId: group, property: 'bogus' })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'group-subject', { groupId: group })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'group-description', { description: 'x' })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'change-privacy-group', { groupId: group })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'messages-admins-only', {})).status, 400);
});

test('group messages reach every participant session with author set', async (t) => {
  const p = await phones(t, ['alice', 'bob', 'carol']);
  const group = await makeGroup(p, 'alice', ['bob', 'carol']);
  const sent = await p.d.api('bob', 'POST', 'send-message', {
    phone: group,
    isGroup: true,
    message: 'hello all',
  });
  t.is(sent.status, 201);
  t.is(sent.body.response[0].to, group);
  for (const session of ['alice', 'carol']) {
    const [copy] = await waitFor(async () => {
      const list = p.network.chatMessages(session, group);
      return list.length ? list : undefined;
    });
    t.is(copy.body, 'hello all');
    t.is(copy.from, group);
    t.is(copy.chatId, group);
    t.is(copy.author, `${p.numbers.bob}@c.us`);
    t.true(copy.isGroupMsg);
    t.false(copy.fromMe);
    t.true(copy.id.endsWith(`_${p.numbers.bob}@c.us`));
  }
  const onmessage = await waitFor(async () =>
    p.events.find((e) => e.session === 'carol' && e.name === 'onmessage'),
  );
  t.is(onmessage.payload.author, `${p.numbers.bob}@c.us`);

  // someone outside the group cannot post into it
  const outsider = await phones(t, ['dave']);
  const refused = await outsider.d.api('dave', 'POST', 'send-message', {
    phone: group,
    isGroup: true,
    message: 'x',
  });
  t.true(refused.status >= 400);
});

test('group-pic: upload sets the picture (admins only); no image is a 401; a local path is refused', async (t) => {
  const p = await phones(t);
  const group = await makeGroup(p, 'alice', ['bob']);
  const upload = async (session: string, fields: Record<string, string>, file?: Buffer) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([file], { type: 'image/png' }), 'pic.png');
    const res = await fetch(`${p.d.url}/api/${session}/group-pic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await p.d.token(session)}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ok = await upload('alice', { groupId: group }, PNG);
  t.is(ok.status, 201);
  t.like(ok.body, { status: 'success', response: { message: 'Group profile photo successfully changed' } });
  const stored = p.network.getEntity<{ picture?: { tag: string } }>('', 'group', group);
  t.truthy(stored?.picture?.tag);

  t.is((await upload('bob', { groupId: group }, PNG)).status, 403);
  const none = await upload('alice', { groupId: group });
  t.is(none.status, 401);
  t.like(none.body, { message: 'Sending the image is mandatory' });
  t.is((await upload('alice', { groupId: group, path: '/etc/passwd' })).status, 400);
  t.is((await upload('alice', { groupId: group }, Buffer.from('not an image'))).status, 400);
});

test('groups persist across a restart', async (t) => {
  const p = await phones(t);
  const group = await makeGroup(p, 'alice', ['bob']);
  await p.d.close();
  const { startDaemon } = await import('../helpers/daemon.ts');
  const again = await startDaemon({ dataDir: p.d.dataDir });
  t.teardown(() => again.close());
  await again.connect('bob');
  const info = await again.api('bob', 'GET', `group-info/${group}`);
  t.is(info.status, 200);
  t.is(info.body.response.subject, 'Team');
});
