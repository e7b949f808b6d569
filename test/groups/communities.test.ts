import test from 'ava';
import { makeGroup, phones } from './helpers.ts';

test('create-community: RAW answer with the announcement group; members of linked groups join it', async (t) => {
  const p = await phones(t);
  const group = await makeGroup(p, 'alice', ['bob']);
  const res = await p.d.api('alice', 'POST', 'create-community', {
    name: 'Neighbours',
    description: 'Our street',
    groupIds: [group],
  });
  t.is(res.status, 200);
  t.is(res.body.status, undefined); // RAW: no envelope
  t.is(res.body.subject, 'Neighbours');
  t.deepEqual(
    res.body.subGroups.map((w: any) => w._serialized),
    [group],
  );
  const community = res.body.wid._serialized;
  t.regex(community, /@g\.us$/);
  t.regex(res.body.announcementGroup._serialized, /@g\.us$/);

  // bob (a member of the linked group) sees the community's members
  const members = await p.d.api('bob', 'GET', `community-participants/${community}`);
  t.is(members.status, 200);
  t.deepEqual(
    members.body.map((m: any) => [m.id._serialized, m.isAdmin]),
    [
      [`${p.numbers.alice}@c.us`, true],
      [`${p.numbers.bob}@c.us`, false],
    ],
  );
  const info = await p.d.api('bob', 'GET', `group-info/${group}`);
  t.is(info.status, 200);
  const linked = (await p.d.api('bob', 'GET', 'all-groups')).body.response.find(
    (c: any) => c.id._serialized === group,
  );
  t.is(linked.groupMetadata.parentGroup, community);

  const invalid = await p.d.api('alice', 'POST', 'create-community', { description: 'no name' });
  t.is(invalid.status, 400);
  t.regex(invalid.body.message, /name/);
});

test('add/remove subgroups, promote/demote members and deactivate: admins only, effects seen by members', async (t) => {
  const p = await phones(t, ['alice', 'bob', 'carol']);
  const first = await makeGroup(p, 'alice', ['bob'], 'First');
  const second = await makeGroup(p, 'alice', ['carol'], 'Second');
  const created = await p.d.api('alice', 'POST', 'create-community', { name: 'Club', groupIds: [first] });
  const community = created.body.wid._serialized;

  // bob is not an admin of the community
  const refused = await p.d.api('bob', 'POST', 'add-community-subgroup', {
    id: community,
    groupsIds: [second],
  });
  t.is(refused.status, 403);
  t.like(refused.body, { status: 'error', message: 'Error on add subgroup' });

  const added = await p.d.api('alice', 'POST', 'add-community-subgroup', {
    id: community,
    groupsIds: [second],
  });
  t.is(added.status, 200);
  t.deepEqual(added.body.linkedGroupJids, [second]);
  t.deepEqual(added.body.failedGroups, []);
  const members = await p.d.api('carol', 'GET', `community-participants/${community}`);
  t.true(members.body.some((m: any) => m.id._serialized === `${p.numbers.carol}@c.us`));

  // bare ids are accepted: <id> for the community, numbers for participants
  const promoted = await p.d.api('alice', 'POST', 'promote-community-participant', {
    id: community.split('@')[0],
    participantsId: [p.numbers.carol],
  });
  t.is(promoted.status, 200);
  let carol = (await p.d.api('bob', 'GET', `community-participants/${community}`)).body.find(
    (m: any) => m.id._serialized === `${p.numbers.carol}@c.us`,
  );
  t.true(carol.isAdmin);
  const demoted = await p.d.api('alice', 'POST', 'demote-community-participant', {
    id: community,
    participantsId: `${p.numbers.carol}@c.us`,
  });
  t.is(demoted.status, 200);
  carol = (await p.d.api('bob', 'GET', `community-participants/${community}`)).body.find(
    (m: any) => m.id._serialized === `${p.numbers.carol}@c.us`,
  );
  t.false(carol.isAdmin);
  t.is(
    (
      await p.d.api('bob', 'POST', 'promote-community-participant', {
        id: community,
        participantsId: [p.numbers.bob],
      })
    ).status,
    403,
  );

  const removed = await p.d.api('alice', 'POST', 'remove-community-subgroup', {
    id: community,
    groupsIds: [second],
  });
  t.is(removed.status, 200);
  t.deepEqual(removed.body.linkedGroupJids, [second]);
  const secondChat = (await p.d.api('carol', 'GET', 'all-groups')).body.response.find(
    (c: any) => c.id._serialized === second,
  );
  t.falsy(secondChat.groupMetadata.parentGroup);

  t.is((await p.d.api('bob', 'POST', 'deactivate-community', { id: community })).status, 403);
  const deactivated = await p.d.api('alice', 'POST', 'deactivate-community', { id: community });
  t.is(deactivated.status, 200);
  t.is((await p.d.api('bob', 'GET', `community-participants/${community}`)).status, 404);
  const firstChat = (await p.d.api('bob', 'GET', 'all-groups')).body.response.find(
    (c: any) => c.id._serialized === first,
  );
  t.truthy(firstChat); // its groups stay, unlinked
  t.falsy(firstChat.groupMetadata.parentGroup);

  t.is((await p.d.api('alice', 'POST', 'deactivate-community', {})).status, 400);
  t.is((await p.d.api('alice', 'POST', 'add-community-subgroup', { id: community })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'remove-community-subgroup', { groupsIds: [first] })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'promote-community-participant', { id: community })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'demote-community-participant', { id: community })).status, 400);
});
