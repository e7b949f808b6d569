import test from 'ava';
import nock from 'nock';
import {
  agentMessage,
  allCalled,
  bridge,
  deliveries,
  fixture,
  foundContact,
  network,
  phoneOf,
  postWebhook,
  received,
  unexpected,
  waitFor,
} from './helpers.ts';

test('an agent reply reaches WhatsApp once: echoes, notes, updates and a replayed webhook send nothing; delivered is reported back', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  cw.patch(`${api}/conversations/42/messages/2001`, { status: 'delivered' }).reply(200, {
    id: 2001,
    status: 'delivered',
  });
  const token = await d.token('bob');
  const reply = agentMessage(alice, 2001, 42);

  const res = await postWebhook(d, `bob:${token}`, reply);
  t.is(res.status, 200);
  t.like(res.body, { status: 'success', message: 'Success on  receive chatwoot', queued: true });
  await waitFor(async () => received(d, 'alice', bobWid).length === 1);
  t.is(received(d, 'alice', bobWid)[0]?.body, 'Hello from the agent');
  await allCalled(cw);

  const replay = await postWebhook(d, `bob:${token}`, reply);
  t.is(replay.status, 200);
  t.like(replay.body, { status: 'success', queued: false });

  // What Chatwoot sends back for messages the bridge posted, and what must never reach WhatsApp
  const incoming = fixture('message_created.incoming');
  const mirrored = agentMessage(alice, 2005, 42, 'mirrored from the phone');
  mirrored.source_id = 'WAID:true_5521987654321@c.us_3EB0AAAA2222CCCC';
  const note = fixture('message_created.private');
  note.conversation.meta.sender.phone_number = `+${alice}`;
  const updated = fixture('message_updated');
  updated.conversation.meta.sender.phone_number = `+${alice}`;
  for (const [payload, reason] of [
    [incoming, 'not an outgoing message'],
    [mirrored, 'created by this bridge (source_id set)'],
    [note, 'private note'],
    [updated, 'event message_updated'],
  ] as const) {
    const answer = await postWebhook(d, `bob:${token}`, payload);
    t.is(answer.status, 200);
    t.like(answer.body, {
      status: 'success',
      message: 'Success on  receive chatwoot',
      queued: false,
      ignored: reason,
    });
  }

  // Every queued row is finished: the agent's message went out once and was not mirrored back
  await waitFor(async () => {
    const rows = [
      ...(await deliveries(d, 'bob', 'chatwoot-send')),
      ...(await deliveries(d, 'bob', 'chatwoot')),
    ];
    return rows.length > 0 && rows.every((r) => r.status === 'delivered');
  });
  const sends = await deliveries(d, 'bob', 'chatwoot-send');
  t.is(sends.length, 1);
  t.is(sends[0]?.attempts, 1);
  t.deepEqual(
    received(d, 'alice', bobWid).map((m) => m.body),
    ['Hello from the agent'],
  );
  t.deepEqual(unexpected(origin), []);
});

test('agent attachments: every one (file, image, voice) is fetched from the configured Chatwoot host (no token sent) and sent, the text as the first caption', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  const files = nock(origin, { badheaders: ['api_access_token'] })
    .get('/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAxfX0=--aaa/invoice.pdf')
    .reply(200, '%PDF-1.4 agent invoice', { 'content-type': 'application/pdf' })
    .get('/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAyfX0=--bbb/photo.png')
    .reply(200, 'agent-photo-bytes', { 'content-type': 'image/png' })
    .get('/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAzfX0=--ccc/voice.ogg')
    .reply(200, 'agent-voice-bytes', { 'content-type': 'audio/ogg' });
  cw.patch(`${api}/conversations/42/messages/2004`, { status: 'delivered' }).reply(200, { id: 2004 });
  const payload = fixture('message_created.outgoing-attachments');
  payload.conversation.meta.sender.phone_number = `+${alice}`;
  payload.attachments.push({
    id: 503,
    message_id: 2004,
    file_type: 'audio',
    account_id: 7,
    extension: null,
    data_url:
      'https://app.chatwoot.example/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAzfX0=--ccc/voice.ogg',
    thumb_url: '',
    file_size: 17,
  });

  const res = await postWebhook(d, `bob:${await d.token('bob')}`, payload);
  t.is(res.status, 200);
  t.true(res.body.queued);
  await waitFor(async () => received(d, 'alice', bobWid).length === 3);
  await allCalled(files);
  await allCalled(cw);

  const [doc, photo, voice] = received(d, 'alice', bobWid);
  const bytes = (m: typeof doc) => network(d).getMedia(String(m?.filehash))?.toString();
  t.like(doc, {
    type: 'document',
    caption: 'Here is your invoice',
    filename: 'invoice.pdf',
    mimetype: 'application/pdf',
  });
  t.is(bytes(doc), '%PDF-1.4 agent invoice');
  t.like(photo, { type: 'image', mimetype: 'image/png' });
  t.falsy(photo?.caption);
  t.is(bytes(photo), 'agent-photo-bytes');
  t.like(voice, { type: 'ptt', mimetype: 'audio/ogg' }, 'audio goes as a voice message');
  t.is(bytes(voice), 'agent-voice-bytes');
  t.deepEqual(unexpected(origin), []);
});

test('a send WhatsApp refuses is reported to Chatwoot as failed, with the reason, and shown in the delivery log', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  const reports: unknown[] = [];
  cw.patch(`${api}/conversations/42/messages/2001`, (body) => reports.push(body) > 0).reply(200, {});
  t.is((await d.api('bob', 'POST', 'sandbox/fail-next', { phone: alice, count: 1 })).status, 200);

  const res = await postWebhook(d, `bob:${await d.token('bob')}`, agentMessage(alice, 2001, 42));
  t.is(res.status, 200);
  await allCalled(cw);
  t.deepEqual(reports, [
    { status: 'failed', external_error: 'WhatsApp reported the message as failed (ack -1)' },
  ]);
  const rows = await waitFor(async () => {
    const list = await deliveries(d, 'bob', 'chatwoot-send');
    return list[0]?.status === 'failed' && list;
  });
  t.is(rows[0]?.lastError, 'WhatsApp reported the message as failed (ack -1)');
  t.is(rows[0]?.attempts, 1, 'a refused send is not retried (it could reach the contact twice)');
  t.deepEqual(received(d, 'alice', bobWid), []);
  // the failed message the engine reports as fromMe was not mirrored back as an outgoing copy
  await waitFor(async () => (await deliveries(d, 'bob', 'chatwoot')).every((r) => r.status === 'delivered'));
  t.deepEqual(unexpected(origin), []);
});

test('quotes cross the bridge both ways (in_reply_to ⇄ quoted message), and a read receipt is reported as read', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  const posted: Record<string, unknown>[] = [];
  const patches: unknown[] = [];
  cw.get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, foundContact(alice))
    .get(`${api}/contacts/17/conversations`)
    .reply(200, { payload: [{ id: 42, inbox_id: 3, status: 'open' }] })
    .post(`${api}/conversations/42/messages`, (body) => posted.push(body) > 0)
    .times(2)
    .reply(200, () => ({ id: posted.length === 1 ? 1001 : 1002 }))
    .patch(`${api}/conversations/42/messages/2001`, (body) => patches.push(body) > 0)
    .times(2)
    .reply(200, {});

  const question = await d.api('bob', 'POST', 'sandbox/inbound', { from: alice, body: 'Where is my order?' });
  // posted and recorded (the nock matcher sees the body before the bridge has the answer)
  await waitFor(async () => (await deliveries(d, 'bob', 'chatwoot'))[0]?.status === 'delivered');

  const answer = agentMessage(alice, 2001, 42, 'It ships today');
  answer.content_attributes = { in_reply_to: 1001 };
  t.is((await postWebhook(d, `bob:${await d.token('bob')}`, answer)).status, 200);
  const atAlice = await waitFor(async () => received(d, 'alice', bobWid)[0]);
  t.like(atAlice, { body: 'It ships today', quotedMsgId: question.body.response.id });
  await waitFor(async () => patches.length === 1);

  await phoneOf(d, 'alice').engine('sendSeen')(bobWid);
  await phoneOf(d, 'alice').engine('sendText')(bobWid, 'Thanks!', { quotedMsg: atAlice.id });
  await allCalled(cw);

  t.deepEqual(patches, [{ status: 'delivered' }, { status: 'read' }]);
  t.like(posted[1], {
    content: 'Thanks!',
    message_type: 'incoming',
    content_attributes: { in_reply_to: 2001 },
  });
  t.deepEqual(unexpected(origin), []);
});

test('an agent message deleted in Chatwoot is revoked on WhatsApp, once; other deletions revoke nothing', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  cw.patch(`${api}/conversations/42/messages/2001`, { status: 'delivered' }).reply(200, { id: 2001 });
  const token = await d.token('bob');
  t.is((await postWebhook(d, `bob:${token}`, agentMessage(alice, 2001, 42))).status, 200);
  await waitFor(async () => received(d, 'alice', bobWid)[0]?.body === 'Hello from the agent');
  await allCalled(cw);

  // What Chatwoot sends when the agent deletes the message
  const deleted = agentMessage(alice, 2001, 42, 'This message was deleted');
  deleted.event = 'message_updated';
  deleted.content_attributes = { deleted: true };
  const res = await postWebhook(d, `bob:${token}`, deleted);
  t.is(res.status, 200);
  t.like(res.body, { status: 'success', queued: true });
  await waitFor(async () => received(d, 'alice', bobWid)[0]?.type === 'revoked');
  t.is(received(d, 'alice', bobWid).length, 1, "alice's copy is revoked, not removed");

  // A replay, and the deletion of a message the bridge mirrored (source_id set), revoke nothing more
  const replay = await postWebhook(d, `bob:${token}`, deleted);
  t.like(replay.body, { queued: false });
  const mirrored = agentMessage(alice, 2002, 42, 'This message was deleted');
  mirrored.event = 'message_updated';
  mirrored.content_attributes = { deleted: true };
  mirrored.source_id = `WAID:true_${alice}@c.us_3EB0AAAA2222CCCC`;
  t.like((await postWebhook(d, `bob:${token}`, mirrored)).body, {
    queued: false,
    ignored: 'created by this bridge (source_id set)',
  });
  await waitFor(async () => {
    const rows = await deliveries(d, 'bob', 'chatwoot-send');
    return rows.length === 2 && rows.every((r) => r.status === 'delivered');
  });
  t.deepEqual(unexpected(origin), []);
});

test("an agent message revoked from the phone is deleted in Chatwoot, and Chatwoot's notice of it revokes nothing more", async (t) => {
  const { d, cw, api, origin, alice, aliceWid, bobWid } = await bridge(t);
  cw.patch(`${api}/conversations/42/messages/2001`, { status: 'delivered' }).reply(200, { id: 2001 });
  const token = await d.token('bob');
  t.is((await postWebhook(d, `bob:${token}`, agentMessage(alice, 2001, 42))).status, 200);
  await waitFor(async () => received(d, 'alice', bobWid)[0]?.body === 'Hello from the agent');
  await allCalled(cw);
  const own = network(d)
    .chatMessages('bob', aliceWid)
    .find((m) => m.fromMe);
  t.truthy(own);

  // The owner deletes it for everyone on the phone: a real engine reports the revoke to its own
  // session too (the sandbox tells only the other phones), as the event bus carries it here.
  cw.delete(`${api}/conversations/42/messages/2001`).reply(200, {});
  d.daemon.events.emit('bob', 'onrevokedmessage', {
    from: aliceWid,
    to: aliceWid,
    id: `true_${aliceWid}_3EB0REVOKE0000000001`,
    refId: own?.id,
  } as never);
  await allCalled(cw);
  await waitFor(async () => {
    const rows = await deliveries(d, 'bob', 'chatwoot');
    return rows.some((r) => r.event === 'onrevokedmessage' && r.status === 'delivered');
  });

  // Chatwoot then reports the agent message as deleted: already done, nothing is revoked again.
  const notice = agentMessage(alice, 2001, 42, 'This message was deleted');
  notice.event = 'message_updated';
  notice.content_attributes = { deleted: true };
  t.like((await postWebhook(d, `bob:${token}`, notice)).body, { queued: false, ignored: 'already deleted' });
  t.is(received(d, 'alice', bobWid)[0]?.type, 'chat', "alice's copy is untouched by the bridge");
  t.deepEqual(unexpected(origin), []);
});
