// wppd dashboard: plain browser JavaScript, no build step. It talks to the daemon's public API
// routes (and the dashboard plugin's header-based admin routes), and follows sessions over socket.io.
// Data from the server is only ever put in the page as text (textContent), never as HTML.

(() => {
  const AUTH_STORAGE = 'wppd.dashboard.auth';
  const KEY_HEADER = 'x-wppd-secret-key';
  const ACTIVE = new Set(['INITIALIZING', 'QRCODE', 'PHONECODE', 'CONNECTED']);
  const DELIVERY_LIMIT = 25;

  const $ = (id) => document.getElementById(id);

  /** Creates an element with attributes/properties and text or element children. */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  // ---- state ----------------------------------------------------------------------------------
  /** auth: {mode:'admin', key} | {mode:'token', session, token}; kept in sessionStorage only. */
  let auth = null;
  let socket = null;
  /** name → {session, status, qrcode, phoneCode, reason} */
  const sessions = new Map();
  /** name → the card's elements, so updates keep focus and scroll position. */
  const cards = new Map();
  const tokens = new Map();
  let selected = null;
  let selectedSettings = {};

  // ---- HTTP -----------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      super(messageOf(body) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  /** The human message out of wppconnect-server's several error shapes. */
  function messageOf(body) {
    if (!body || typeof body !== 'object') return typeof body === 'string' ? body.slice(0, 300) : '';
    return body.message || body.error || (typeof body.response === 'string' ? body.response : '') || '';
  }

  async function request(method, url, { headers = {}, body } = {}) {
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }

  /** The dashboard's admin routes: the secret key goes in a header. */
  const admin = (method, path) =>
    request(method, `/dashboard/api/admin/${path}`, { headers: { [KEY_HEADER]: auth.key } });

  /** A token for a session: the signed-in one, or minted with the secret key (kept in memory only). */
  async function tokenFor(name) {
    if (auth.mode === 'token') return auth.token;
    let token = tokens.get(name);
    if (!token) {
      token = (await admin('POST', `sessions/${encodeURIComponent(name)}/token`)).token;
      tokens.set(name, token);
    }
    return token;
  }

  /** A request with a session's token in the Authorization header. */
  async function withToken(name, method, url, body) {
    const token = await tokenFor(name);
    return request(method, url, { headers: { authorization: `Bearer ${token}` }, body });
  }

  /** A public session route, e.g. sessionApi('alice', 'POST', 'start-session', {...}). */
  const sessionApi = (name, method, route, body) =>
    withToken(name, method, `/api/${encodeURIComponent(name)}/${route}`, body);

  // ---- feedback -------------------------------------------------------------------------------
  let toastTimer;
  function toast(text, kind = 'info') {
    const node = $('toast');
    node.dataset.kind = kind;
    node.textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      node.textContent = '';
    }, 6000);
  }

  /** Runs a button's action with the button disabled, reporting failures. */
  async function busy(button, action) {
    button.disabled = true;
    try {
      return await action();
    } catch (error) {
      toast(error.message || String(error), 'error');
    } finally {
      button.disabled = false;
      if (selected) updateForms();
      for (const entry of sessions.values()) updateCard(entry);
    }
  }

  function setLive(state, text) {
    const node = $('live');
    node.dataset.state = state;
    node.textContent = text;
  }

  // ---- sign in / out --------------------------------------------------------------------------
  function chosenMode() {
    return document.querySelector('input[name="mode"]:checked').value;
  }

  function showModeFields() {
    const mode = chosenMode();
    for (const node of document.querySelectorAll('[data-mode]')) node.hidden = node.dataset.mode !== mode;
  }

  async function signIn(candidate) {
    auth = candidate;
    tokens.clear();
    sessions.clear();
    if (auth.mode === 'admin') await loadAllSessions();
    else await loadOneSession(auth.session);
    sessionStorage.setItem(AUTH_STORAGE, JSON.stringify(auth));
    $('signin').hidden = true;
    $('app').hidden = false;
    $('signout').hidden = false;
    $('create').hidden = auth.mode !== 'admin';
    const who = $('who');
    who.hidden = false;
    who.textContent = auth.mode === 'admin' ? 'Administrator' : `Session ${auth.session}`;
    connectSocket();
    if (auth.mode === 'token') select(auth.session, false);
    $('main').focus();
  }

  function signOut() {
    sessionStorage.removeItem(AUTH_STORAGE);
    if (socket) socket.disconnect();
    socket = null;
    auth = null;
    tokens.clear();
    sessions.clear();
    for (const card of cards.values()) card.root.remove();
    cards.clear();
    selected = null;
    $('detail').hidden = true;
    $('app').hidden = true;
    $('signout').hidden = true;
    $('who').hidden = true;
    $('signin').hidden = false;
    $('secret-key').value = '';
    $('token-value').value = '';
    setLive('off', 'Not signed in');
    $('signin-title').focus();
  }

  async function onSignInSubmit(event) {
    event.preventDefault();
    const error = $('signin-error');
    error.textContent = '';
    let candidate;
    if (chosenMode() === 'admin') {
      const key = $('secret-key').value;
      if (!key) {
        error.textContent = 'Enter the secret key.';
        $('secret-key').focus();
        return;
      }
      candidate = { mode: 'admin', key };
    } else {
      let session = $('token-session').value.trim();
      let token = $('token-value').value.trim();
      // generate-token's `full` form, session:token, pasted into the token field.
      const colon = token.indexOf(':');
      if (colon > 0 && !token.startsWith('$') && (!session || session === token.slice(0, colon))) {
        session = token.slice(0, colon);
        token = token.slice(colon + 1);
      }
      if (!session || !token) {
        error.textContent = 'Enter the session name and its token.';
        (session ? $('token-value') : $('token-session')).focus();
        return;
      }
      candidate = { mode: 'token', session, token };
    }
    const button = event.submitter || event.target.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await signIn(candidate);
    } catch (failure) {
      auth = null;
      error.textContent =
        failure.status === 401 || failure.status === 400
          ? 'That key or token was not accepted.'
          : `Could not sign in: ${failure.message}`;
    } finally {
      button.disabled = false;
    }
  }

  // ---- sessions -------------------------------------------------------------------------------
  // Live events are numbered. An HTTP answer is a snapshot taken before the events that arrived
  // while it travelled: it must not undo them (e.g. a list read during a restart, answered after
  // the CONNECTED event).
  let liveEvents = 0;
  const changedSince = (name, takenAt) => (sessions.get(name)?.changedAt ?? 0) > takenAt;

  async function loadAllSessions() {
    const takenAt = liveEvents;
    const list = (await admin('GET', 'sessions')).response;
    const names = new Set(list.map((entry) => entry.session));
    for (const name of [...sessions.keys()])
      if (!names.has(name) && !changedSince(name, takenAt)) removeSession(name);
    for (const entry of list) upsert(entry, takenAt);
  }

  async function loadOneSession(name) {
    const takenAt = liveEvents;
    const status = await sessionApi(name, 'GET', 'status-session');
    upsert(
      {
        session: name,
        status: status.status || 'CLOSED',
        qrcode: status.qrcode || null,
        phoneCode: status.phoneCode || null,
        reason: status.reason || null,
      },
      takenAt,
    );
  }

  /** Re-reads what the server knows: after a reconnect, or events that carry no session name. */
  async function reload() {
    try {
      if (auth.mode === 'admin') await loadAllSessions();
      else await loadOneSession(auth.session);
    } catch (error) {
      toast(`Could not refresh: ${error.message}`, 'error');
    }
  }

  /**
   * Merges news about a session and redraws its card: a live event (no takenAt), or an HTTP answer
   * requested when `liveEvents` was takenAt, ignored if an event about the session came since.
   */
  function upsert(patch, takenAt) {
    const name = patch.session;
    if (auth?.mode === 'token' && name !== auth.session) return;
    if (takenAt !== undefined && changedSince(name, takenAt)) return;
    const entry = sessions.get(name) || {
      session: name,
      status: 'CLOSED',
      qrcode: null,
      phoneCode: null,
      reason: null,
    };
    Object.assign(entry, patch);
    if (takenAt === undefined) entry.changedAt = ++liveEvents;
    if (entry.status !== 'QRCODE') entry.qrcode = null;
    if (entry.status !== 'PHONECODE') entry.phoneCode = null;
    if (ACTIVE.has(entry.status)) entry.reason = null;
    sessions.set(name, entry);
    updateCard(entry);
    if (name === selected) updateForms();
  }

  function removeSession(name) {
    sessions.delete(name);
    tokens.delete(name);
    cards.get(name)?.root.remove();
    cards.delete(name);
    if (selected === name) {
      selected = null;
      $('detail').hidden = true;
    }
    $('sessions-empty').hidden = sessions.size > 0;
  }

  function createCard(name) {
    const card = {
      badge: el('span', { className: 'badge', 'data-status': 'CLOSED' }),
      reason: el('p', { className: 'reason', hidden: true }),
      qrImage: el('img', { alt: `QR code to link session ${name}`, width: 240, height: 240 }),
      pairing: el('p', { className: 'pairing', hidden: true }),
      open: el('button', {
        type: 'button',
        className: 'quiet',
        text: 'Open',
        onclick: () => select(name, true),
      }),
      start: el('button', {
        type: 'button',
        text: 'Start',
        onclick: (e) => busy(e.currentTarget, () => startSession(name)),
      }),
      close: el('button', {
        type: 'button',
        className: 'quiet',
        text: 'Close',
        onclick: (e) => busy(e.currentTarget, () => lifecycle(name, 'close-session', 'closed')),
      }),
      logout: el('button', {
        type: 'button',
        className: 'danger',
        text: 'Log out',
        onclick: (e) => {
          if (confirm(`Log session ${name} out? The phone must scan a new QR code to link it again.`))
            busy(e.currentTarget, () => lifecycle(name, 'logout-session', 'logged out'));
        },
      }),
      clear: el('button', {
        type: 'button',
        className: 'danger',
        text: 'Clear data',
        onclick: (e) => {
          if (confirm(`Delete everything stored for session ${name}?`))
            busy(e.currentTarget, () => clearSession(name));
        },
      }),
    };
    card.qr = el(
      'figure',
      { className: 'qr', hidden: true },
      card.qrImage,
      el('figcaption', { text: 'WhatsApp on the phone › Linked devices › Link a device' }),
    );
    card.root = el(
      'li',
      { className: 'card session', 'data-session': name },
      el('div', { className: 'session-head' }, el('h3', { text: name }), card.badge),
      card.reason,
      card.qr,
      card.pairing,
      el(
        'div',
        { className: 'actions' },
        card.open,
        card.start,
        card.close,
        card.logout,
        auth.mode === 'admin' ? card.clear : null,
      ),
    );
    // Keep the list sorted by name.
    const after = [...cards.keys()].filter((other) => other > name).sort()[0];
    $('sessions').insertBefore(card.root, after ? cards.get(after).root : null);
    cards.set(name, card);
    $('sessions-empty').hidden = true;
    return card;
  }

  function updateCard(entry) {
    const card = cards.get(entry.session) || createCard(entry.session);
    card.badge.textContent = entry.status;
    card.badge.dataset.status = entry.status;
    card.reason.hidden = !entry.reason;
    card.reason.textContent = entry.reason ? `Stopped: ${entry.reason}` : '';
    card.qr.hidden = !entry.qrcode;
    if (entry.qrcode && card.qrImage.getAttribute('src') !== entry.qrcode) card.qrImage.src = entry.qrcode;
    if (!entry.qrcode) card.qrImage.removeAttribute('src');
    card.pairing.hidden = !entry.phoneCode;
    card.pairing.replaceChildren();
    if (entry.phoneCode)
      card.pairing.append('Pairing code: enter it on the phone', el('strong', { text: entry.phoneCode }));
    const active = ACTIVE.has(entry.status);
    card.start.hidden = active;
    card.close.hidden = !active;
    card.logout.hidden = entry.status !== 'CONNECTED';
    card.root.setAttribute('aria-current', entry.session === selected ? 'true' : 'false');
  }

  async function startSession(name, body = {}) {
    const takenAt = liveEvents;
    const status = await sessionApi(name, 'POST', 'start-session', body);
    upsert(
      {
        session: name,
        status: status.status || 'INITIALIZING',
        qrcode: status.qrcode || null,
        phoneCode: status.phoneCode || null,
      },
      takenAt,
    );
    toast(`Session ${name} is starting`);
  }

  async function lifecycle(name, route, done) {
    const takenAt = liveEvents;
    await sessionApi(name, 'POST', route);
    // Logging out deletes the session (it raises no status event); closing keeps it, stopped.
    if (route === 'logout-session' && auth.mode === 'admin') removeSession(name);
    else
      upsert(
        {
          session: name,
          status: 'CLOSED',
          reason: route === 'logout-session' ? 'logged out' : 'closed by request',
        },
        takenAt,
      );
    toast(`Session ${name} ${done}`);
  }

  async function clearSession(name) {
    await admin('POST', `sessions/${encodeURIComponent(name)}/clear`);
    removeSession(name);
    toast(`Session ${name} cleared`);
  }

  async function onCreateSubmit(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    const name = $('create-name').value.trim();
    const body = {};
    const webhook = $('create-webhook').value.trim();
    const phone = $('create-phone').value.trim();
    if (webhook) body.webhook = webhook;
    if (phone) body.phone = phone;
    await busy(form.querySelector('button'), async () => {
      await startSession(name, body);
      form.reset();
      // Stay at the list: the QR code to scan shows up in the new session's card.
      select(name, false);
    });
  }

  // ---- one session: settings, test message, deliveries -----------------------------------------
  function select(name, focus) {
    selected = name;
    $('detail').hidden = false;
    $('detail-name').textContent = name;
    for (const entry of sessions.values()) updateCard(entry);
    $('message-result').textContent = '';
    updateForms();
    void loadSettings();
    void loadDeliveries();
    if (focus) {
      $('detail-title').focus();
      $('detail').scrollIntoView({ block: 'start' });
    }
  }

  function updateForms() {
    const entry = sessions.get(selected);
    const status = entry ? entry.status : 'CLOSED';
    $('settings-save').textContent = ACTIVE.has(status) ? 'Save and restart' : 'Save and start';
    const connected = status === 'CONNECTED';
    $('msg-send').disabled = !connected;
    $('message-hint').hidden = connected;
  }

  const CHATWOOT_FIELDS = ['baseURL', 'account_id', 'inbox_id', 'token', 'mobile_name', 'mobile_number'];

  async function loadSettings() {
    const name = selected;
    let settings = {};
    try {
      settings =
        (await withToken(name, 'GET', `/dashboard/api/${encodeURIComponent(name)}/settings`)).response || {};
    } catch (error) {
      toast(`Could not read the settings: ${error.message}`, 'error');
    }
    if (name !== selected) return;
    selectedSettings = settings;
    $('set-webhook').value = typeof settings.webhook === 'string' ? settings.webhook : '';
    const chatwoot = settings.chatWoot || settings.chatwoot || {};
    for (const field of CHATWOOT_FIELDS)
      $(`cw-${field}`).value = chatwoot[field] == null ? '' : String(chatwoot[field]);
  }

  async function onSettingsSubmit(event) {
    event.preventDefault();
    const name = selected;
    // start-session replaces the stored settings: send them all back, with the edited fields changed.
    const body = { ...selectedSettings, webhook: $('set-webhook').value.trim() };
    delete body.waitQrCode;
    const chatwoot = { ...(selectedSettings.chatWoot || selectedSettings.chatwoot || {}) };
    for (const field of CHATWOOT_FIELDS) {
      const value = $(`cw-${field}`).value.trim();
      if (value) chatwoot[field] = value;
      else delete chatwoot[field];
    }
    delete body.chatwoot;
    if (Object.keys(chatwoot).length > 0) body.chatWoot = chatwoot;
    else delete body.chatWoot;
    await busy($('settings-save'), async () => {
      // A running session keeps its settings until it starts again.
      if (ACTIVE.has(sessions.get(name)?.status)) await sessionApi(name, 'POST', 'close-session');
      await startSession(name, body);
      selectedSettings = body;
      toast(`Settings of ${name} saved`);
    });
  }

  async function onMessageSubmit(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    const result = $('message-result');
    result.textContent = '';
    const name = selected;
    await busy($('msg-send'), async () => {
      try {
        const sent = await sessionApi(name, 'POST', 'send-message', {
          phone: $('msg-phone').value.trim(),
          message: $('msg-text').value,
        });
        const first = Array.isArray(sent.response) ? sent.response[0] : undefined;
        result.dataset.kind = 'ok';
        result.textContent = `Sent${first?.id ? ` (${first.id})` : ''}`;
        scheduleDeliveries();
      } catch (error) {
        result.dataset.kind = 'error';
        result.textContent = `Not sent: ${error.message}`;
      }
    });
  }

  // Deliveries have no push event: the list reloads on the session's events, and while a delivery
  // is pending it checks again after a growing pause until none is.
  let deliveriesTimer;
  let pendingPause = 1000;
  function scheduleDeliveries(delay = 300) {
    clearTimeout(deliveriesTimer);
    deliveriesTimer = setTimeout(loadDeliveries, delay);
  }

  async function loadDeliveries() {
    clearTimeout(deliveriesTimer);
    const name = selected;
    if (!name) return;
    const note = $('deliveries-note');
    let list;
    try {
      list = (await sessionApi(name, 'GET', `webhooks/deliveries?limit=${DELIVERY_LIMIT}`)).response;
    } catch (error) {
      if (name === selected)
        note.textContent =
          error.status === 404
            ? 'Webhook deliveries are not available (is the webhooks plugin on?).'
            : error.message;
      return;
    }
    if (name !== selected) return;
    note.textContent = list.length ? '' : 'No deliveries yet. Set a webhook URL to receive events.';
    const rows = list.map((delivery) =>
      el(
        'tr',
        { 'data-id': delivery.id, 'data-status': delivery.status },
        el(
          'td',
          {},
          el('time', {
            datetime: delivery.createdAt,
            text: new Date(delivery.createdAt).toLocaleTimeString(),
          }),
        ),
        el('td', { text: delivery.event || delivery.target }),
        el(
          'td',
          {},
          el('span', { className: 'badge', 'data-status': delivery.status, text: delivery.status }),
        ),
        el('td', { text: delivery.attempts }),
        el('td', { text: delivery.lastStatus ?? '' }),
        el('td', { className: 'error-text', text: delivery.lastError || '' }),
        el(
          'td',
          {},
          delivery.status === 'pending'
            ? null
            : el('button', {
                type: 'button',
                className: 'quiet',
                text: 'Redeliver',
                'aria-label': `Redeliver ${delivery.event || 'event'} of ${delivery.createdAt}`,
                onclick: (e) => busy(e.currentTarget, () => redeliverOne(delivery.id)),
              }),
        ),
      ),
    );
    $('deliveries').tBodies[0].replaceChildren(...rows);
    if (list.some((delivery) => delivery.status === 'pending')) {
      scheduleDeliveries(pendingPause);
      pendingPause = Math.min(pendingPause * 2, 30_000);
    } else {
      pendingPause = 1000;
    }
  }

  async function redeliverOne(id) {
    await sessionApi(selected, 'POST', `webhooks/deliveries/${encodeURIComponent(id)}/redeliver`);
    toast('Delivery queued again');
    pendingPause = 1000;
    await loadDeliveries();
  }

  async function redeliverFailed() {
    // since 0: every failed delivery the log still holds.
    const answer = await sessionApi(selected, 'POST', 'webhooks/redeliver-failed', { since: 0 });
    const queued = answer.response ? answer.response.queued : 0;
    toast(
      queued
        ? `Queued again: ${queued} failed ${queued === 1 ? 'delivery' : 'deliveries'}`
        : 'No failed deliveries',
    );
    pendingPause = 1000;
    await loadDeliveries();
  }

  // ---- live updates ---------------------------------------------------------------------------
  function connectSocket() {
    if (typeof window.io !== 'function') {
      setLive('error', 'Live updates unavailable (socket.io is off)');
      return;
    }
    setLive('off', 'Connecting…');
    // The credentials travel in socket.io's CONNECT packet, not in the URL.
    socket = window.io({
      auth: auth.mode === 'admin' ? { token: auth.key } : { session: auth.session, token: auth.token },
    });
    socket.on('connect', () => {
      setLive('on', 'Live');
      void reload();
    });
    socket.on('disconnect', () => setLive('off', 'Reconnecting…'));
    socket.on('connect_error', (error) => setLive('error', `Live updates: ${error.message}`));

    const about = (name) => {
      if (name && name === selected) scheduleDeliveries();
    };
    socket.on('session-status', (event) => {
      // close-session's change carries no reason: keep the one the close action set.
      const patch = { session: event.session, status: event.status || 'CLOSED' };
      if (event.reason) patch.reason = event.reason;
      upsert(patch);
      about(event.session);
    });
    socket.on('qrCode', (event) => {
      upsert({ session: event.session, status: 'QRCODE', qrcode: event.data });
      about(event.session);
    });
    socket.on('phoneCode', (event) => {
      upsert({ session: event.session, status: 'PHONECODE', phoneCode: event.data });
      about(event.session);
    });
    socket.on('session-logged', (event) => {
      upsert({ session: event.session, status: 'CONNECTED' });
      about(event.session);
    });
    socket.on('received-message', (event) => about(event?.response?.session));
    // These name no session: they can only concern the sessions this socket may see.
    for (const name of ['onack', 'mensagem-enviada']) socket.on(name, () => selected && scheduleDeliveries());
    socket.on('whatsapp-status', () => void reload());
  }

  // ---- wiring ---------------------------------------------------------------------------------
  function start() {
    for (const radio of document.querySelectorAll('input[name="mode"]'))
      radio.addEventListener('change', showModeFields);
    $('signin-form').addEventListener('submit', onSignInSubmit);
    $('signout').addEventListener('click', signOut);
    $('create-form').addEventListener('submit', onCreateSubmit);
    $('settings-form').addEventListener('submit', onSettingsSubmit);
    $('message-form').addEventListener('submit', onMessageSubmit);
    $('deliveries-refresh').addEventListener('click', (e) => busy(e.currentTarget, loadDeliveries));
    $('redeliver-failed').addEventListener('click', (e) => busy(e.currentTarget, redeliverFailed));

    const saved = sessionStorage.getItem(AUTH_STORAGE);
    if (!saved) return;
    let candidate;
    try {
      candidate = JSON.parse(saved);
    } catch {
      sessionStorage.removeItem(AUTH_STORAGE);
      return;
    }
    signIn(candidate).catch(() => {
      auth = null;
      sessionStorage.removeItem(AUTH_STORAGE);
    });
  }

  start();
})();
