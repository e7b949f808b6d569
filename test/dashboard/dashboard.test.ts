import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { type Browser, chromium, type Page } from 'playwright-core';
import { SECRET, startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';
import { Receiver } from '../webhooks/receiver.ts';

/**
 * The dashboard, driven in a real browser (Debian's Chromium) against a sandbox daemon. With
 * WPPD_SCREENSHOTS=1 the main screens are saved to docs/screenshots/ (README, docs/dashboard.md).
 */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RECIPIENT = '5511999998888';

async function launch(t: ExecutionContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** A page that records every URL it requests and fails the test on a script error. */
async function open(browser: Browser, d: TestDaemon, width = 1280, height = 860) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const urls: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${d.url}/dashboard`);
  return { page, urls, errors };
}

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.evaluate(`document.getElementById('toast').textContent = ''`);
  const png = await page.screenshot({ fullPage, animations: 'disabled', caret: 'hide' });
  if (!process.env.WPPD_SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  fs.writeFileSync(path.join(SCREENSHOTS, name), png);
}

const card = (page: Page, session: string) => page.locator(`li[data-session="${session}"]`);
const deliveryRow = (page: Page, event: string, status: string) =>
  page.locator(`#deliveries tbody tr[data-status="${status}"]`, {
    has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^${event}$`) }),
  });

test('sign in with the secret key, create a session, scan its QR, watch it connect, send, see deliveries', async (t) => {
  // The receiver refuses qrcode events until told otherwise, so one delivery fails (and is redelivered).
  let healthy = false;
  const receiver = await new Receiver().start();
  receiver.behaviour = (request) => (request.body.event === 'qrcode' && !healthy ? 503 : 200);
  const d = await startDaemon({
    config: {
      plugins: {
        webhooks: {
          onSelfMessage: true,
          retry: { initialDelayMs: 20, maxDelayMs: 50, giveUpAfterMs: 300 },
        },
      },
    },
  });
  t.teardown(async () => {
    await d.close();
    await receiver.close();
  });
  const browser = await launch(t);
  const { page, urls, errors } = await open(browser, d);

  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'dashboard-sign-in.png');
  await page.getByRole('textbox', { name: 'Secret key' }).fill(SECRET);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Live', { exact: true }).waitFor();
  t.is(
    await page.evaluate('sessionStorage.getItem("wppd.dashboard.auth")'),
    JSON.stringify({ mode: 'admin', key: SECRET }),
  );
  t.is(await page.evaluate('localStorage.length'), 0);

  // Create a session with the receiver as its webhook: its QR code shows up to scan.
  await page.getByRole('textbox', { name: 'Session name', exact: true }).fill('alice');
  await page.getByRole('textbox', { name: 'Webhook URL (optional)' }).fill(receiver.url);
  await page.getByRole('button', { name: 'Create and start' }).click();
  const qr = page.getByRole('img', { name: 'QR code to link session alice' });
  await qr.waitFor();
  t.regex((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
  t.is(await card(page, 'alice').locator('.badge').textContent(), 'QRCODE');
  // A marker that a reload would wipe.
  await page.evaluate('window.notReloaded = true');
  await screenshot(page, 'dashboard-qr-code.png');

  // The phone scans it: the card turns CONNECTED and the QR goes away, without a reload.
  const scan = await d.api('alice', 'POST', 'sandbox/scan');
  t.is(scan.status, 200);
  await card(page, 'alice').locator('.badge', { hasText: 'CONNECTED' }).waitFor();
  await qr.waitFor({ state: 'detached' });
  t.true(await page.evaluate('window.notReloaded === true'));
  t.is(await page.getByRole('textbox', { name: 'Webhook URL', exact: true }).inputValue(), receiver.url);

  // A test message: sent, and its webhook delivery appears in the log.
  await page.getByRole('textbox', { name: 'Phone number' }).fill(RECIPIENT);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByText(/^Sent \(true_5511999998888@c\.us_/).waitFor();
  await deliveryRow(page, 'onselfmessage', 'delivered').first().waitFor();
  const self = await receiver.waitEvent('onselfmessage');
  t.is(self.body, 'Hello from the wppd dashboard');

  // The refused qrcode delivery is listed as failed with its error, and "Redeliver failed" fixes it.
  const failed = deliveryRow(page, 'qrcode', 'failed');
  await failed.first().waitFor();
  t.regex((await failed.first().locator('td:nth-child(5)').textContent()) ?? '', /503/);
  t.true(Number(await failed.first().locator('td:nth-child(4)').textContent()) >= 1);
  await screenshot(page, 'dashboard-session.png', true);
  healthy = true;
  await page.getByRole('button', { name: 'Redeliver failed' }).click();
  await deliveryRow(page, 'qrcode', 'delivered').first().waitFor();
  await receiver.waitEvent('qrcode');

  // The key never appeared in a URL the browser requested.
  t.true(urls.length > 0);
  t.deepEqual(
    urls.filter((url) => url.includes(SECRET)),
    [],
  );

  // Chatwoot settings are saved through start-session (the session restarts, its login kept), and
  // the webhook set at creation is kept with them.
  await page.getByRole('textbox', { name: 'Chatwoot URL' }).fill('https://chat.example.com');
  await page.getByRole('textbox', { name: 'Account id' }).fill('7');
  await page.getByRole('button', { name: 'Save and restart' }).click();
  await page.getByText('Settings of alice saved').waitFor();
  await card(page, 'alice').locator('.badge', { hasText: 'CONNECTED' }).waitFor();
  const settings = await fetch(`${d.url}/dashboard/api/alice/settings`, {
    headers: { authorization: `Bearer ${await d.token('alice')}` },
  });
  t.like(((await settings.json()) as { response: unknown }).response, {
    webhook: receiver.url,
    chatWoot: { baseURL: 'https://chat.example.com', account_id: '7' },
  });

  // Phone width: the same page still fits.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate('window.scrollTo(0, 0)');
  t.false(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth'));
  await screenshot(page, 'dashboard-phone.png');

  // Clearing a session removes it from the list (after a confirmation).
  page.once('dialog', (dialog) => void dialog.accept());
  await card(page, 'alice').getByRole('button', { name: 'Clear data' }).click();
  await card(page, 'alice').waitFor({ state: 'detached' });
  t.deepEqual((await d.api('alice', 'GET', 'status-session')).body, { status: 'CLOSED', qrcode: null });
  t.deepEqual(errors, [], 'no script errors');
});

test('a session token signs in to that session only: pairing code, live connect, the reason it stopped', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  // erin links with a pairing code; carol, another session, shows a QR code.
  await d.api('erin', 'POST', 'start-session', { phone: '5511912345678' });
  const pairing = await waitFor(async () => (await d.api('erin', 'GET', 'status-session')).body.phoneCode);
  await d.api('carol', 'POST', 'start-session', {});
  const browser = await launch(t);
  const { page, urls, errors } = await open(browser, d, 390, 844);

  await page.getByRole('radio', { name: /A session token/ }).check();
  await page.getByRole('textbox', { name: 'Session', exact: true }).fill('erin');
  await page.getByRole('textbox', { name: 'Token', exact: true }).fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That key or token was not accepted.').waitFor();

  const token = await d.token('erin');
  await page.getByRole('textbox', { name: 'Token', exact: true }).fill(`erin:${token}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Live', { exact: true }).waitFor();
  t.is(await card(page, 'erin').locator('.pairing strong').textContent(), pairing);
  t.is(await card(page, 'erin').locator('.badge').textContent(), 'PHONECODE');
  t.false(await page.getByRole('heading', { name: 'New session' }).isVisible());
  t.false(await page.getByRole('button', { name: 'Clear data' }).isVisible());
  t.is(await page.getByRole('heading', { name: 'Session erin' }).count(), 1);

  // The code is entered on the phone: connected, live. carol's changes never reach erin's page.
  await d.api('erin', 'POST', 'sandbox/scan');
  await d.api('carol', 'POST', 'sandbox/scan');
  await card(page, 'erin').locator('.badge', { hasText: 'CONNECTED' }).waitFor();
  t.false(await card(page, 'erin').locator('.pairing').isVisible());

  // A session that stops on an error says why (the core's status event, as an engine failure raises it).
  d.daemon.events.emit('erin', 'session-status', {
    status: 'CLOSED',
    previous: 'CONNECTED',
    reason: 'browserClose',
  });
  await card(page, 'erin').getByText('Stopped: browserClose').waitFor();
  t.is(await page.locator('li[data-session]').count(), 1);
  t.is(await card(page, 'carol').count(), 0);
  t.deepEqual(
    urls.filter((url) => url.includes(token)),
    [],
  );
  t.deepEqual(errors, [], 'no script errors');
});

test('the admin routes want the secret key in a header, and the page is locked down', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('dave');

  const page = await fetch(`${d.url}/dashboard`);
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*script-src 'self'/);
  t.is(page.headers.get('x-frame-options'), 'DENY');
  const html = await page.text();
  t.false(/(?:src|href)="https?:/.test(html), 'no external resources');
  const client = await fetch(`${d.url}/socket.io/socket.io.min.js`);
  t.is(client.status, 200, 'socket.io serves its browser client');
  t.is((await fetch(`${d.url}/dashboard/..%2Fdashboard%2Findex.ts`)).status, 404);

  const list = (key?: string) =>
    fetch(`${d.url}/dashboard/api/admin/sessions`, { headers: key ? { 'x-wppd-secret-key': key } : {} });
  t.is((await list()).status, 401);
  t.is((await list('wrong')).status, 401);
  const listed = await list(SECRET);
  t.is(listed.status, 200);
  t.like(await listed.json(), { status: 'success', response: [{ session: 'dave', status: 'CONNECTED' }] });

  const token = await fetch(`${d.url}/dashboard/api/admin/sessions/dave/token`, {
    method: 'POST',
    headers: { 'x-wppd-secret-key': SECRET },
  });
  t.is(token.status, 201);
  const minted = (await token.json()) as { token: string };
  const status = await fetch(`${d.url}/api/dave/status-session`, {
    headers: { authorization: `Bearer ${minted.token}` },
  });
  t.is(((await status.json()) as { status: string }).status, 'CONNECTED', 'the minted token works');
  const badName = await fetch(`${d.url}/dashboard/api/admin/sessions/..%2Fx/token`, {
    method: 'POST',
    headers: { 'x-wppd-secret-key': SECRET },
  });
  t.is(badName.status, 400);

  const settings = await fetch(`${d.url}/dashboard/api/dave/settings`, {
    headers: { authorization: `Bearer ${await d.token('dave')}` },
  });
  t.is(settings.status, 200);
  t.deepEqual(((await settings.json()) as { response: unknown }).response, {});
  t.is((await fetch(`${d.url}/dashboard/api/dave/settings`)).status, 401);

  const cleared = await fetch(`${d.url}/dashboard/api/admin/sessions/dave/clear`, {
    method: 'POST',
    headers: { 'x-wppd-secret-key': SECRET },
  });
  t.is(cleared.status, 200);
  t.deepEqual(await cleared.json(), { success: true });
  t.deepEqual(((await (await list(SECRET)).json()) as { response: unknown[] }).response, []);

  // Guessing the key is slowed down: after a burst of wrong keys, 429 with Retry-After.
  let last = 0;
  for (let i = 0; i < 12; i++) last = (await list(`guess-${i}`)).status;
  t.is(last, 429);
  t.is((await list(SECRET)).status, 429, 'even the right key waits once the allowance is spent');
});
