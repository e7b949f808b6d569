import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {
  fileServer,
  GIF,
  lastIn,
  MP4,
  OGG,
  type Pair,
  PDF,
  PNG,
  pair,
  tempUploads,
  upload,
  waitFor,
} from './helpers.ts';

const ALLOW_PRIVATE = { env: { WPPD_FETCH_ALLOW_PRIVATE: 'true' } };

/** What the recipient downloads for its copy of the last message from alice. */
async function receivedBytes(p: Pair): Promise<{ message: any; bytes: Buffer; mimetype: string }> {
  const message = await lastIn(p, 'bob', `${p.alice}@c.us`);
  const res = await p.d.api('bob', 'GET', `get-media-by-message/${message.id}`);
  if (res.status !== 200) throw new Error(`get-media-by-message ${res.status} ${JSON.stringify(res.body)}`);
  return { message, bytes: Buffer.from(res.body.base64, 'base64'), mimetype: res.body.mimetype };
}

test('send-image from base64 (bare and data URL) arrives byte-identical at the recipient', async (t) => {
  const p = await pair(t);
  const bare = await p.d.api('alice', 'POST', 'send-image', {
    phone: p.bob,
    base64: PNG.toString('base64'),
    caption: 'c',
  });
  t.is(bare.status, 201);
  t.like(bare.body, { status: 'success', mapper: 'return' });
  t.like(bare.body.response[0], { ack: 2 });
  const first = await receivedBytes(p);
  t.like(first.message, {
    type: 'image',
    caption: 'c',
    mimetype: 'image/png',
    size: PNG.length,
    isMedia: true,
  });
  t.true(first.bytes.equals(PNG));
  t.is(first.mimetype, 'image/png');

  const dataUrl = await p.d.api('alice', 'POST', 'send-image', {
    phone: p.bob,
    base64: `data:image/png;base64,${PNG.toString('base64')}`,
  });
  t.is(dataUrl.status, 201);
  t.true((await receivedBytes(p)).bytes.equals(PNG));
});

test('send-image as multipart upload arrives byte-identical, and the temp file is removed', async (t) => {
  const p = await pair(t);
  const res = await upload(
    p.d,
    'alice',
    'send-image',
    { phone: p.bob, caption: 'up', isGroup: 'false' },
    {
      bytes: PNG,
      name: 'pic.png',
      type: 'image/png',
    },
  );
  t.is(res.status, 201);
  const got = await receivedBytes(p);
  t.true(got.bytes.equals(PNG));
  t.is(got.message.caption, 'up');
  t.deepEqual(tempUploads(p.d), []);
});

test('send-image from a URL (local server, private fetch allowed) arrives byte-identical', async (t) => {
  const p = await pair(t, ALLOW_PRIVATE);
  const base = await fileServer(t, { '/pic.png': { bytes: PNG, type: 'image/png' } });
  const res = await p.d.api('alice', 'POST', 'send-image', { phone: p.bob, path: `${base}/pic.png` });
  t.is(res.status, 201);
  t.true((await receivedBytes(p)).bytes.equals(PNG));
  const missing = await p.d.api('alice', 'POST', 'send-image', { phone: p.bob, path: `${base}/none.png` });
  t.is(missing.status, 400);
});

test('SSRF: a URL to 127.0.0.1 is refused without WPPD_FETCH_ALLOW_PRIVATE, and nothing is sent', async (t) => {
  const p = await pair(t);
  const base = await fileServer(t, { '/pic.png': { bytes: PNG, type: 'image/png' } });
  for (const field of ['path', 'base64']) {
    const res = await p.d.api('alice', 'POST', 'send-image', { phone: p.bob, [field]: `${base}/pic.png` });
    t.is(res.status, 400, field);
    t.regex(res.body.message, /private or local/);
  }
  const meta = await p.d.api('alice', 'POST', 'send-voice', {
    phone: p.bob,
    path: 'http://169.254.169.254/latest',
  });
  t.is(meta.status, 400);
  t.is(p.network.allMessages('alice').length, 0);
  t.deepEqual(tempUploads(p.d), []);
});

test('path: traversal and arbitrary server paths are refused; media-folder files are sent', async (t) => {
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-media-'));
  fs.writeFileSync(path.join(mediaDir, 'voice.ogg'), OGG);
  fs.symlinkSync('/etc/passwd', path.join(mediaDir, 'escape.ogg'));
  const p = await pair(t, { config: { plugins: { messages: { mediaDir } } } as never });
  for (const bad of [
    '../voice.ogg',
    '/etc/passwd',
    '../../../../etc/passwd',
    'escape.ogg',
    'file:///etc/passwd',
    'missing.ogg',
  ]) {
    const res = await p.d.api('alice', 'POST', 'send-voice', { phone: p.bob, path: bad });
    t.is(res.status, 400, bad);
    t.is(res.body.status, 'error');
  }
  const sticker = await upload(
    p.d,
    'alice',
    'send-sticker',
    { phone: p.bob, path: '/etc/passwd' },
    {
      bytes: PDF,
      name: '../../etc/passwd',
      type: 'image/png',
    },
  );
  t.is(sticker.status, 415, 'the upload is used, its name never becomes a path');
  t.is((await p.d.api('alice', 'POST', 'send-sticker', { phone: p.bob, path: '/etc/passwd' })).status, 400);
  t.deepEqual(tempUploads(p.d), []);
  t.is(p.network.allMessages('alice').length, 0);

  const ok = await p.d.api('alice', 'POST', 'send-voice', {
    phone: p.bob,
    path: 'voice.ogg',
    quotedMessageId: undefined,
  });
  t.is(ok.status, 201, JSON.stringify(ok.body));
  const got = await receivedBytes(p);
  t.is(got.message.type, 'ptt');
  t.true(got.bytes.equals(OGG));
});

test('path without a media folder must be a URL (400)', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-voice', { phone: p.bob, path: 'voice.ogg' });
  t.is(res.status, 400);
  t.regex(res.body.message, /no media folder/);
});

test('oversized, wrong-type and bad base64 are refused with 4xx and leave no temp file', async (t) => {
  const p = await pair(t, {
    config: { plugins: { messages: { maxMediaBytes: 1000, maxDocumentBytes: 2000 } } } as never,
  });
  const big = Buffer.concat([PNG, Buffer.alloc(5000)]);
  const tooBig = await p.d.api('alice', 'POST', 'send-image', {
    phone: p.bob,
    base64: big.toString('base64'),
  });
  t.is(tooBig.status, 413);
  const tooBigUpload = await upload(
    p.d,
    'alice',
    'send-image',
    { phone: p.bob },
    { bytes: big, name: 'a.png', type: 'image/png' },
  );
  t.is(tooBigUpload.status, 413);
  const bigDoc = await p.d.api('alice', 'POST', 'send-file-base64', {
    phone: p.bob,
    base64: Buffer.alloc(3000, 1).toString('base64'),
  });
  t.is(bigDoc.status, 413);

  const pdfAsImage = await p.d.api('alice', 'POST', 'send-image', {
    phone: p.bob,
    base64: `data:image/png;base64,${PDF.toString('base64')}`,
  });
  t.is(pdfAsImage.status, 415);
  t.regex(pdfAsImage.body.message, /application\/pdf, not an image/);
  const wrongUpload = await upload(
    p.d,
    'alice',
    'send-sticker',
    { phone: p.bob },
    { bytes: PDF, name: 'x.png', type: 'image/png' },
  );
  t.is(wrongUpload.status, 415);
  const textAsVoice = await p.d.api('alice', 'POST', 'send-voice-base64', {
    phone: p.bob,
    base64Ptt: Buffer.from('hello').toString('base64'),
  });
  t.is(textAsVoice.status, 415);

  for (const base64 of ['not base64!!', 'data:image/png,rawbytes', 'data:image/png;base64,@@@@', 'A']) {
    const res = await p.d.api('alice', 'POST', 'send-file-base64', { phone: p.bob, base64 });
    t.is(res.status, 400, base64);
  }
  const none = await p.d.api('alice', 'POST', 'send-file', { phone: p.bob });
  t.is(none.status, 401);
  t.like(none.body, { message: 'Sending the file is mandatory' });
  t.deepEqual(tempUploads(p.d), []);
  t.is(p.network.allMessages('alice').length, 0);
});

test('send-file and send-file-base64 deliver documents with their name and real type', async (t) => {
  const p = await pair(t);
  const file = await upload(
    p.d,
    'alice',
    'send-file',
    { phone: p.bob, filename: 'report.pdf' },
    {
      bytes: PDF,
      name: 'whatever.bin',
      type: 'application/octet-stream',
    },
  );
  t.is(file.status, 201);
  let got = await receivedBytes(p);
  t.like(got.message, { type: 'document', filename: 'report.pdf', mimetype: 'application/pdf' });
  t.true(got.bytes.equals(PDF));

  const text = Buffer.from('plain text file\n');
  const b64 = await p.d.api('alice', 'POST', 'send-file-base64', {
    phone: p.bob,
    base64: `data:text/plain;base64,${text.toString('base64')}`,
    filename: 'notes.txt',
    caption: 'notes',
  });
  t.is(b64.status, 201);
  got = await receivedBytes(p);
  t.like(got.message, { type: 'document', filename: 'notes.txt', mimetype: 'text/plain', caption: 'notes' });
  t.true(got.bytes.equals(text));
  t.deepEqual(tempUploads(p.d), []);
});

test('send-sticker and send-sticker-gif deliver stickers (upload or URL)', async (t) => {
  const p = await pair(t, ALLOW_PRIVATE);
  const base = await fileServer(t, { '/a.gif': { bytes: GIF, type: 'image/gif' } });
  const still = await upload(
    p.d,
    'alice',
    'send-sticker',
    { phone: p.bob },
    { bytes: PNG, name: 's.png', type: 'image/png' },
  );
  t.is(still.status, 201);
  let got = await receivedBytes(p);
  t.is(got.message.type, 'sticker');
  t.true(got.bytes.equals(PNG));
  const gif = await p.d.api('alice', 'POST', 'send-sticker-gif', { phone: p.bob, path: `${base}/a.gif` });
  t.is(gif.status, 201);
  got = await receivedBytes(p);
  t.is(got.message.type, 'sticker');
  t.true(got.bytes.equals(GIF));
  const pngAsGif = await p.d.api('alice', 'POST', 'send-sticker-gif', {
    phone: p.bob,
    base64: PNG.toString('base64'),
  });
  t.is(pngAsGif.status, 415);
  const none = await p.d.api('alice', 'POST', 'send-sticker', { phone: p.bob });
  t.is(none.status, 401);
});

test('send-voice-base64 delivers a voice note (ptt) intact', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-voice-base64', {
    phone: p.bob,
    base64Ptt: `data:audio/ogg;base64,${OGG.toString('base64')}`,
  });
  t.is(res.status, 201);
  t.like(res.body.response[0], { ack: 2 });
  const got = await receivedBytes(p);
  t.is(got.message.type, 'ptt');
  t.true(got.bytes.equals(OGG));
  t.is((await p.d.api('alice', 'POST', 'send-voice-base64', { phone: p.bob })).status, 400);
});

test('download-media returns {base64, mimetype} by id or message object; errors as wppconnect-server', async (t) => {
  const p = await pair(t);
  await p.d.api('alice', 'POST', 'send-image', { phone: p.bob, base64: PNG.toString('base64') });
  const message = await lastIn(p, 'bob', `${p.alice}@c.us`);
  const byId = await p.d.api('bob', 'POST', 'download-media', { messageId: message.id });
  t.is(byId.status, 200);
  t.deepEqual(byId.body, { base64: PNG.toString('base64'), mimetype: 'image/png', session: 'bob' });
  // An object is looked up by its id: URLs the client put in it are never fetched.
  const byObject = await p.d.api('bob', 'POST', 'download-media', {
    messageId: { ...message, clientUrl: 'http://127.0.0.1:1/evil', isMedia: true },
  });
  t.is(byObject.status, 200);
  t.is(byObject.body.base64, PNG.toString('base64'));

  const text = await p.d.api('bob', 'POST', 'send-message', { phone: p.alice, message: 'text' });
  const noMedia = await p.d.api('bob', 'POST', 'download-media', { messageId: text.body.response[0].id });
  t.like(noMedia.body, { status: 'error', message: 'Message does not contain media' });
  t.is(noMedia.status, 400);
  const unknown = await p.d.api('bob', 'POST', 'download-media', { messageId: 'true_x@c.us_NOPE' });
  t.is(unknown.status, 400);
  t.is(unknown.body.message, 'Message not found');
  // Another session cannot read bob's media by id.
  const foreign = await p.d.api('alice', 'GET', `get-media-by-message/${message.id}`);
  t.is(foreign.status, 400);
  t.is((await p.d.api('bob', 'POST', 'download-media', {})).status, 400);
});

test('get-media-by-message needs the token, and answers 500 when the session is not active', async (t) => {
  const p = await pair(t);
  const res = await fetch(`${p.d.url}/api/bob/get-media-by-message/some-id`);
  t.is(res.status, 401);
  const idle = await p.d.api('idle', 'GET', 'get-media-by-message/some-id');
  t.is(idle.status, 500);
  t.is(idle.body.message, 'The session is not active');
});

test('a video story goes to the other phones with its bytes (send-video-storie)', async (t) => {
  const p = await pair(t);
  const res = await upload(
    p.d,
    'alice',
    'send-video-storie',
    {},
    { bytes: MP4, name: 'v.mp4', type: 'video/mp4' },
  );
  t.is(res.status, 201);
  t.like(res.body, { status: 'success', mapper: 'return' });
  const story = await lastIn(p, 'bob', 'status@broadcast');
  t.is(story.type, 'video');
  const media = await p.d.api('bob', 'GET', `get-media-by-message/${story.id}`);
  t.true(Buffer.from(media.body.base64, 'base64').equals(MP4));
  const wrong = await p.d.api('alice', 'POST', 'send-video-storie', { base64: PNG.toString('base64') });
  t.is(wrong.status, 415);
  t.deepEqual(tempUploads(p.d), []);
});

test('received media is kept in the data dir (owner-only) and still served when the network copy is gone', async (t) => {
  const p = await pair(t);
  await p.d.api('alice', 'POST', 'send-image', { phone: p.bob, base64: PNG.toString('base64') });
  const message = await lastIn(p, 'bob', `${p.alice}@c.us`);
  const root = path.join(p.d.dataDir, 'plugins', 'messages', 'media');
  const kept = await waitFor(async () => {
    if (!fs.existsSync(root)) return undefined;
    const files = fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.endsWith('.tmp'));
    return files.length ? files : undefined;
  });
  t.is(kept.length, 1, 'only the recipient keeps it');
  const file = path.join(kept[0]!.parentPath, kept[0]!.name);
  t.true(fs.readFileSync(file).equals(PNG));
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  // WhatsApp's CDN copy expires; the kept bytes still answer.
  (p.network as any).getMedia = () => undefined;
  const res = await p.d.api('bob', 'GET', `get-media-by-message/${message.id}`);
  t.is(res.status, 200);
  t.is(res.body.base64, PNG.toString('base64'));
  // Logging the session out deletes what was kept for it.
  t.is((await p.d.api('bob', 'POST', 'logout-session')).status, 200);
  await waitFor(async () => !fs.existsSync(path.dirname(file)) || undefined);
  t.false(fs.existsSync(file));
});
