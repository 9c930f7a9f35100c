'use strict';
// GitInsight Gateway console: plain JavaScript over the admin API (/_gateway/admin), no framework,
// nothing loaded from outside the gateway.
(function () {
  const API = '/_gateway/admin';
  const $ = (sel, root) => (root || document).querySelector(sel);
  const state = { token: sessionStorage.getItem('gw-token'), etag: null, timer: null, samples: [], editorHash: null };

  // ---------- small helpers ----------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function notice(text, ok) {
    const n = $('#notice');
    n.replaceChildren(el('div', { class: ok ? 'ok' : 'bad' }, text));
    if (ok) setTimeout(() => { if (n.textContent === text) n.replaceChildren(); }, 5000);
  }
  class ApiError extends Error {
    constructor(status, body) { super(body && body.message || ('HTTP ' + status)); this.status = status; this.body = body || {}; }
  }
  async function api(method, path, body, headers) {
    const h = Object.assign({ 'Authorization': 'Bearer ' + state.token }, headers || {});
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string') { payload = body; h['Content-Type'] = h['Content-Type'] || 'application/yaml'; }
      else { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
    }
    // A change is made against the configuration the page showed (drawn), not whatever a later
    // read saw: a stale form gets 412 instead of overwriting another admin's change.
    const expected = state.drawnEtag || state.etag;
    if (method !== 'GET' && expected && !h['If-Match']) h['If-Match'] = expected;
    const res = await fetch(API + path, { method, headers: h, body: payload, cache: 'no-store' });
    const tag = res.headers.get('ETag');
    if (tag && res.ok) state.etag = tag; // a 412 carries the current tag: never adopted silently
    if (res.status === 401) { logout('Your session ended; sign in again.'); throw new ApiError(401, { message: 'Unauthorized' }); }
    const type = res.headers.get('Content-Type') || '';
    const data = res.status === 204 ? null : type.includes('json') ? await res.json() : await res.text();
    if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : { message: data });
    return data;
  }
  function drawn() { state.drawnEtag = state.etag; }
  const fmt = (n, d) => (n === null || n === undefined || Number.isNaN(n)) ? '–' : Number(n).toFixed(d === undefined ? 0 : d);

  // ---------- login ----------
  async function showLogin(message) {
    $('#nav').hidden = true;
    $('#who').replaceChildren();
    document.querySelectorAll('.page').forEach(p => { p.hidden = true; });
    $('#login').hidden = false;
    $('#token-error').textContent = message || '';
    try {
      const methods = await (await fetch(API + '/login', { cache: 'no-store' })).json();
      if (methods.oidc && methods.oidc.authorization_endpoint) {
        $('#sso-box').hidden = false;
        $('#sso-note').textContent = 'Provider: ' + methods.oidc.issuer;
        $('#sso').onclick = () => startSso(methods.oidc);
        if (!window.isSecureContext) {
          $('#sso').disabled = true;
          $('#sso-note').textContent = 'Single sign-on needs HTTPS or localhost (the browser only hashes the PKCE verifier there).';
        }
      }
    } catch (e) { /* the token form still works */ }
    $('#token').focus();
  }
  function b64url(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  async function startSso(oidc) {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const st = b64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem('gw-pkce', JSON.stringify({ verifier, state: st }));
    const redirect = location.origin + location.pathname;
    const url = new URL(oidc.authorization_endpoint);
    url.search = new URLSearchParams({ response_type: 'code', client_id: oidc.client_id, redirect_uri: redirect,
      scope: oidc.scope, state: st, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    location.assign(url.toString());
  }
  async function finishSso() {
    const params = new URLSearchParams(location.search);
    if (!params.has('code')) return false;
    const saved = JSON.parse(sessionStorage.getItem('gw-pkce') || '{}');
    sessionStorage.removeItem('gw-pkce');
    history.replaceState(null, '', location.pathname + '#/overview');
    if (!saved.state || saved.state !== params.get('state')) { await showLogin('The sign-in response did not match this browser; try again.'); return true; }
    const res = await fetch(API + '/login/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: params.get('code'), code_verifier: saved.verifier, redirect_uri: location.origin + location.pathname }) });
    const body = await res.json();
    if (!res.ok || !body.token) { await showLogin(body.message || 'Single sign-on failed.'); return true; }
    state.token = body.token;
    sessionStorage.setItem('gw-token', state.token);
    return false;
  }
  $('#token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.token = $('#token').value.trim();
    try {
      await api('GET', '');
      sessionStorage.setItem('gw-token', state.token);
      $('#token').value = '';
      $('#token').removeAttribute('aria-invalid');
      start();
    } catch (e) {
      $('#token').setAttribute('aria-invalid', 'true');
      $('#token-error').textContent = e.status === 403 ? e.message : 'That token was not accepted.';
    }
  });
  function logout(message) {
    state.token = null;
    sessionStorage.removeItem('gw-token');
    stopTimer();
    showLogin(message);
  }

  // ---------- navigation ----------
  const pages = { overview: renderOverview, consumers: renderConsumers, traffic: renderTraffic, resilience: renderResilience, config: renderConfig, history: renderHistory };
  function stopTimer() { if (state.timer) { clearInterval(state.timer); state.timer = null; } }
  async function route() {
    if (!state.token) return showLogin();
    const name = (location.hash.replace('#/', '') || 'overview').split('?')[0];
    const page = pages[name] ? name : 'overview';
    stopTimer();
    $('#login').hidden = true;
    $('#nav').hidden = false;
    document.querySelectorAll('#nav a').forEach(a => a.removeAttribute('aria-current'));
    document.querySelectorAll('#nav a').forEach(a => { if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); });
    document.querySelectorAll('.page').forEach(p => { p.hidden = p.id !== 'page-' + page; });
    try { await pages[page](); } catch (e) { if (e.status !== 401) notice('Could not load this page: ' + e.message); }
  }
  async function start() {
    const info = await api('GET', '');
    $('#who').replaceChildren(el('span', {}, 'Signed in as ' + info.you.name), el('button', { type: 'button', onclick: () => logout() }, 'Sign out'));
    await route();
  }
  window.addEventListener('hashchange', route);

  // ---------- overview ----------
  async function renderOverview() {
    const [info, services, routes, plugins, upstreams, status] = await Promise.all([
      api('GET', ''), api('GET', '/services'), api('GET', '/routes'), api('GET', '/plugins'), api('GET', '/upstreams'), api('GET', '/status')]);
    drawn();
    $('#overview-meta').textContent = 'Config ' + info.config_hash + ' from ' + info.config_file + ', loaded ' + new Date(info.loaded_at).toLocaleString();
    const c = info.counts;
    const unhealthy = Object.values(status.upstreams).flat().filter(t => t.health !== 'HEALTHY').length;
    const open = Object.values(status.services).filter(s => s.circuit_breaker === 'OPEN').length;
    $('#tiles').replaceChildren(
      tile('Services', c.services), tile('Routes', c.routes), tile('Upstreams', c.upstreams), tile('Consumers', c.consumers),
      tile('Targets not healthy', unhealthy), tile('Breakers open', open), tile('Cache entries', status.cache.entries),
      tile('Eviction events', status.eviction_events.configured ? (status.eviction_events.connected ? 'connected' : 'disconnected') : 'off'));
    if (info.pending_error) notice('The file on disk is not running: ' + info.pending_error);
    const globals = plugins.data.filter(p => p.id.startsWith('global:')).map(p => p.name);
    const box = $('#services');
    box.replaceChildren();
    if (globals.length) box.append(el('p', { class: 'muted' }, 'Global plugins: ', ...globals.map(g => el('span', { class: 'chip plugin' }, g)), ' '));
    const upstreamNames = new Set(upstreams.data.map(u => u.name));
    // A service written without a name is known by its id (Kong's foreign key then names the id).
    const keyOf = ref => ref && (ref.name || ref.id);
    for (const s of services.data) {
      const key = keyOf(s);
      const host = s.host || (s.url ? new URL(s.url).hostname : '');
      const pool = upstreamNames.has(host) ? host : null;
      const svcPlugins = plugins.data.filter(p => keyOf(p.service) === key).map(p => p.name);
      const breaker = status.services[key] || {};
      const sRoutes = routes.data.filter(r => keyOf(r.service) === key);
      const card = el('article', { class: 'service', 'aria-labelledby': 'svc-' + key },
        el('header', {},
          el('h2', { id: 'svc-' + key }, s.name || host + ' (no name)'),
          el('span', { class: 'mono muted' }, s.url || ((s.protocol || 'http') + '://' + s.host + (s.port ? ':' + s.port : '') + (s.path || ''))),
          el('span', { class: 'state-' + breaker.circuit_breaker }, 'breaker ' + (breaker.circuit_breaker || '–')),
          ...svcPlugins.map(p => el('span', { class: 'chip plugin' }, p))),
        el('div', { class: 'body' },
          el('div', { class: 'routes' }, el('h3', { class: 'sr-only' }, 'Routes'),
            sRoutes.length ? sRoutes.map(r => routeRow(r, plugins.data)) : el('p', { class: 'muted' }, 'No routes.')),
          el('div', { class: 'pool' }, el('h3', { class: 'small muted' }, pool ? 'Upstream ' + pool : 'Direct to ' + host),
            pool ? (status.upstreams[pool] || []).map(t => el('div', {}, el('span', { class: 'mono' }, t.target), ' ',
              el('span', { class: 'health ' + t.health }, t.health.toLowerCase()))) : null)));
      box.append(card);
    }
  }
  function tile(k, v) { return el('div', { class: 'tile' }, el('div', { class: 'k' }, k), el('div', { class: 'v' }, v)); }
  function routeRow(r, plugins) {
    const rp = plugins.filter(p => p.route && p.route.name === r.name).map(p => p.name);
    const row = el('div', { class: 'route', 'data-route': r.name },
      el('div', { class: 'line' },
        el('span', { class: 'name' }, r.name || '(unnamed)'),
        el('span', { class: 'mono' }, (r.methods || ['any']).join(' ')),
        el('span', { class: 'mono' }, (r.paths || []).join('  ')),
        ...(r.hosts || []).map(h => el('span', { class: 'chip' }, h)),
        ...rp.map(p => el('span', { class: 'chip plugin' }, p)),
        r.name ? el('button', { type: 'button', class: 'edit', 'aria-label': 'Edit route ' + r.name, onclick: () => editRoute(row, r) }, 'Edit') : null));
    return row;
  }
  function editRoute(row, r) {
    if ($('.edit-route', row)) return;
    const id = 'paths-' + r.name;
    const input = el('textarea', { id, rows: Math.max(2, (r.paths || []).length), 'aria-describedby': id + '-err' });
    input.value = (r.paths || []).join('\n');
    const err = el('p', { class: 'field-error', id: id + '-err', 'aria-live': 'assertive' });
    const form = el('form', { class: 'edit-route' },
      el('label', { for: id }, 'Paths of ' + r.name + ' (one per line)'), input, err,
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Save route'),
        el('button', { type: 'button', onclick: () => form.remove() }, 'Cancel')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const paths = input.value.split('\n').map(s => s.trim()).filter(Boolean);
      try {
        await api('PATCH', '/routes/' + encodeURIComponent(r.name), { paths });
        notice('Route ' + r.name + ' saved and applied.', true);
        await renderOverview();
      } catch (e) {
        input.setAttribute('aria-invalid', 'true');
        const fields = e.body.fields ? Object.entries(e.body.fields).map(([f, m]) => f + ': ' + m).join('; ') : '';
        err.textContent = e.status === 412 ? 'Someone changed the configuration meanwhile; reload the page.' : (fields || e.message);
        input.focus();
      }
    });
    row.append(form);
    input.focus();
  }

  // ---------- consumers and their credentials ----------
  const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
  const CREDENTIALS = [
    { path: 'key-auth', label: 'Key auth', columns: ['Id', 'Key', 'TTL'], row: c => [c.id, c.key, c.ttl ? c.ttl + ' s' : ''], name: c => c.id,
      fields: [{ name: 'key', label: 'Key (leave empty and the gateway generates one)', type: 'password', optional: true }] },
    { path: 'basic-auth', label: 'Basic auth', columns: ['Username', 'Password'], row: c => [c.username, c.password], name: c => c.id || c.username,
      fields: [{ name: 'username', label: 'Username' }, { name: 'password', label: 'Password', type: 'password' }] },
    { path: 'acls', label: 'ACL groups', columns: ['Group'], row: c => [c.group], name: c => c.id || c.group,
      fields: [{ name: 'group', label: 'Group' }] },
    { path: 'jwt', label: 'JWT', columns: ['Key', 'Algorithm', 'Secret or public key'], row: c => [c.key, c.algorithm || 'HS256', c.secret || c.rsa_public_key || ''],
      name: c => c.id || c.key,
      fields: [{ name: 'key', label: 'Key (the token\'s iss)' }, { name: 'algorithm', label: 'Algorithm', options: JWT_ALGORITHMS },
        { name: 'secret', label: 'Secret (HS*) or public key in PEM (the others)', type: 'textarea' }] },
  ];
  const consumerRef = c => c.username || c.custom_id || c.id;
  async function renderConsumers() {
    const consumers = await api('GET', '/consumers');
    drawn();
    const box = $('#consumers');
    if (!consumers.data.length) { box.replaceChildren(el('p', { class: 'muted' }, 'No consumers.')); return; }
    const cards = await Promise.all(consumers.data.map(async (c, i) => {
      const ref = consumerRef(c);
      const base = '/consumers/' + encodeURIComponent(ref) + '/';
      const lists = await Promise.all(CREDENTIALS.map(k => api('GET', base + k.path)));
      return el('article', { class: 'service consumer', 'aria-labelledby': 'cons-' + i },
        el('header', {}, el('h2', { id: 'cons-' + i }, ref), c.custom_id && c.username ? el('span', { class: 'muted' }, 'custom id ' + c.custom_id) : null,
          c.id ? el('span', { class: 'mono muted' }, c.id) : null),
        el('div', { class: 'credentials' }, CREDENTIALS.map((k, j) => credentialBlock(ref, base, k, lists[j].data, 'cr-' + i + '-' + j))));
    }));
    box.replaceChildren(...cards);
  }
  function credentialBlock(ref, base, k, items, id) {
    const table = items.length
      ? el('table', { class: 'grid' }, el('caption', { class: 'sr-only' }, k.label + ' credentials of ' + ref),
        el('thead', {}, el('tr', {}, k.columns.map(h => el('th', { scope: 'col' }, h)), el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, 'Actions')))),
        el('tbody', {}, items.map(c => {
          const name = k.name(c);
          return el('tr', {}, k.row(c).map(v => el('td', { class: 'mono' }, v === undefined || v === null ? '' : String(v))),
            el('td', { class: 'actions' }, name
              ? el('button', { type: 'button', class: 'danger', 'aria-label': 'Delete ' + k.label + ' credential ' + name + ' of ' + ref,
                onclick: () => deleteCredential(base + k.path + '/' + encodeURIComponent(name), k.label + ' credential of ' + ref) }, 'Delete')
              : el('span', { class: 'small muted' }, 'no id: edit the configuration')));
        })))
      : el('p', { class: 'muted small' }, 'None.');
    const err = el('p', { class: 'field-error', id: id + '-err', 'aria-live': 'assertive' });
    const inputs = {};
    const form = el('form', { class: 'inline-form credential-form' },
      k.fields.map(f => {
        const fid = id + '-' + f.name;
        const input = f.options ? el('select', { id: fid }, f.options.map(o => el('option', { value: o }, o)))
          : f.type === 'textarea' ? el('textarea', { id: fid, rows: 1, 'aria-describedby': id + '-err', autocomplete: 'off', spellcheck: 'false' })
            : el('input', { id: fid, type: f.type || 'text', 'aria-describedby': id + '-err', autocomplete: 'off', required: !f.optional });
        inputs[f.name] = input;
        return el('div', {}, el('label', { for: fid }, f.label), input);
      }),
      el('button', { type: 'submit' }, 'Add'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      for (const f of k.fields) { const v = inputs[f.name].value; if (v !== '') body[f.name] = v; }
      if (k.path === 'jwt' && body.algorithm && !body.algorithm.startsWith('HS') && body.secret) {
        body.rsa_public_key = body.secret; delete body.secret;
      }
      try {
        await api('POST', base + k.path, body);
        notice(k.label + ' credential added to ' + ref + ' and applied.', true);
        await renderConsumers();
      } catch (e) {
        const fields = e.body.fields ? Object.entries(e.body.fields).map(([f, m]) => f + ': ' + m).join('; ') : '';
        err.textContent = e.status === 412 ? 'Someone changed the configuration meanwhile; reload the page.' : (fields || e.message);
        Object.values(inputs).forEach(i => i.setAttribute('aria-invalid', 'true'));
        Object.values(inputs)[0].focus();
      }
    });
    return el('section', { class: 'credential-kind', 'aria-labelledby': id }, el('h3', { id }, k.label), table, form, err);
  }
  async function deleteCredential(path, what) {
    if (!confirm('Delete this ' + what + '?')) return;
    try { await api('DELETE', path); notice(what[0].toUpperCase() + what.slice(1) + ' deleted and applied.', true); } catch (e) {
      notice(e.status === 412 ? 'Someone changed the configuration meanwhile; reload the page.' : e.message);
    }
    await renderConsumers();
  }

  // ---------- traffic ----------
  async function renderTraffic() {
    await sample();
    drawCharts();
    state.timer = setInterval(async () => { try { await sample(); drawCharts(); } catch (e) { /* shown on next load */ } }, 3000);
  }
  async function sample() {
    const s = await api('GET', '/stats');
    state.samples.push(s);
    if (state.samples.length > 61) state.samples.shift();
  }
  function quantile(bounds, counts, q) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (!total) return null;
    let seen = 0;
    for (let i = 0; i < counts.length; i++) { seen += counts[i]; if (seen >= q * total) return i < bounds.length ? bounds[i] : bounds[bounds.length - 1] * 2; }
    return null;
  }
  function series() {
    const out = { rps: [], p50: [], p99: [], err: [], hit: [], rl: [] };
    const s = state.samples;
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1], b = s[i], dt = Math.max(0.001, (b.time_ms - a.time_ms) / 1000);
      const dreq = b.requests - a.requests;
      out.rps.push(dreq / dt);
      const buckets = b.latency_buckets.map((v, j) => v - a.latency_buckets[j]);
      out.p50.push(quantile(b.latency_bounds_ms, buckets, 0.5));
      out.p99.push(quantile(b.latency_bounds_ms, buckets, 0.99));
      out.err.push(dreq > 0 ? 100 * (b.errors_5xx - a.errors_5xx) / dreq : 0);
      const looked = (b.cache_hits - a.cache_hits) + (b.cache_misses - a.cache_misses);
      out.hit.push(looked > 0 ? 100 * (b.cache_hits - a.cache_hits) / looked : null);
      out.rl.push((b.rate_limited - a.rate_limited) / dt);
    }
    return out;
  }
  function drawCharts() {
    const s = series();
    const last = (xs) => xs.length ? xs[xs.length - 1] : null;
    chart('#c-rps', [s.rps], ['#0a58ca']); $('#n-rps').textContent = 'now ' + fmt(last(s.rps), 1) + ' req/s';
    chart('#c-lat', [s.p50, s.p99], ['#0a58ca', '#b42318'], undefined,
      state.samples.length > 1 && !state.samples[state.samples.length - 1].latency_buckets.some(v => v > 0)
        ? 'No latency data: set latency_metrics: true on the prometheus plugin' : null); $('#n-lat').textContent = 'p50 ≤ ' + fmt(last(s.p50)) + ' ms, p99 ≤ ' + fmt(last(s.p99)) + ' ms';
    chart('#c-err', [s.err], ['#b42318'], 100); $('#n-err').textContent = 'now ' + fmt(last(s.err), 2) + ' %';
    chart('#c-hit', [s.hit], ['#1a7f37'], 100, 'No cacheable requests yet'); $('#n-hit').textContent = 'now ' + fmt(last(s.hit), 1) + ' %';
    chart('#c-rl', [s.rl], ['#8a5a00']); $('#n-rl').textContent = 'now ' + fmt(last(s.rl), 1) + ' /s';
  }
  function chart(sel, lines, colors, fixedMax, empty) {
    const c = $(sel), g = c.getContext('2d'), w = c.width, h = c.height, pad = 36;
    g.clearRect(0, 0, w, h);
    const values = lines.flat().filter(v => v !== null && !Number.isNaN(v));
    const max = fixedMax || Math.max(1, ...values) * 1.15;
    g.strokeStyle = '#d0d7de'; g.fillStyle = '#57606a'; g.font = '11px system-ui'; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = h - pad / 2 - (h - pad) * i / 4;
      g.beginPath(); g.moveTo(pad, y); g.lineTo(w - 4, y); g.stroke();
      g.fillText(fmt(max * i / 4, max < 10 ? 1 : 0), 2, y + 4);
    }
    lines.forEach((xs, k) => {
      g.strokeStyle = colors[k]; g.lineWidth = 2; g.beginPath();
      let started = false;
      let lastX = null, lastY = null;
      xs.forEach((v, i) => {
        if (v === null || Number.isNaN(v)) { started = false; return; }
        const x = pad + (w - pad - 4) * i / 59, y = h - pad / 2 - (h - pad) * Math.min(v, max) / max;
        if (started) g.lineTo(x, y); else { g.moveTo(x, y); started = true; }
        lastX = x; lastY = y;
      });
      g.stroke();
      // The newest value as a dot, so a series of one point shows too.
      if (lastX !== null) { g.fillStyle = colors[k]; g.beginPath(); g.arc(lastX, lastY, 3, 0, 2 * Math.PI); g.fill(); }
    });
    if (!values.length) { g.fillStyle = '#57606a'; g.fillText(empty || 'collecting…', pad + 8, h / 2); }
  }

  // ---------- breakers and targets ----------
  async function renderResilience() {
    const status = await api('GET', '/status');
    const breakers = $('#breakers tbody');
    breakers.replaceChildren(...Object.entries(status.services).map(([name, s]) => el('tr', {},
      el('th', { scope: 'row' }, name), el('td', { class: 'state-' + s.circuit_breaker }, s.circuit_breaker),
      el('td', {}, s.recent_failures), el('td', {}, s.in_flight + ' / ' + s.max_concurrent_requests),
      el('td', { class: 'actions' }, el('button', { type: 'button', 'aria-label': 'Reset breaker of ' + name,
        onclick: () => op('POST', '/services/' + encodeURIComponent(name) + '/circuit-breaker/reset', 'Breaker of ' + name + ' reset.') }, 'Reset')))));
    const rows = [];
    for (const [u, targets] of Object.entries(status.upstreams)) {
      for (const t of targets) {
        const base = '/upstreams/' + encodeURIComponent(u) + '/targets/' + encodeURIComponent(t.target.split('|')[0]);
        rows.push(el('tr', {}, el('td', {}, u), el('th', { scope: 'row', class: 'mono' }, t.target), el('td', {}, t.weight),
          el('td', { class: 'health ' + t.health }, t.health.toLowerCase()), el('td', { class: 'small' }, t.reason || ''),
          el('td', { class: 'actions' },
            el('button', { type: 'button', 'aria-label': 'Mark ' + t.target + ' healthy', onclick: () => op('PUT', base + '/healthy', t.target + ' marked healthy.') }, 'Mark healthy'),
            el('button', { type: 'button', class: 'danger', 'aria-label': 'Mark ' + t.target + ' unhealthy', onclick: () => op('PUT', base + '/unhealthy', t.target + ' marked unhealthy.') }, 'Mark unhealthy'))));
      }
    }
    $('#targets tbody').replaceChildren(...rows);
    $('#cache-meta').textContent = status.cache.entries + ' entries, ' + status.cache.hits + ' hits, ' + status.cache.misses + ' misses.';
  }
  async function op(method, path, done) {
    try { await api(method, path); notice(done, true); } catch (e) { notice(e.message); }
    await renderResilience();
  }
  $('#purge-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = $('#purge-pattern').value.trim();
    if (!p) { $('#purge-pattern').focus(); return; }
    try { const r = await api('DELETE', '/proxy-cache?pattern=' + encodeURIComponent(p)); notice(r.purged + ' entries purged.', true); } catch (e) { notice(e.message); }
    await renderResilience();
  });
  $('#purge-all').addEventListener('click', async () => {
    if (!confirm('Remove every cached response on this node?')) return;
    try { await api('DELETE', '/proxy-cache'); notice('Every cached response purged.', true); } catch (e) { notice(e.message); }
    await renderResilience();
  });

  // ---------- configuration editor ----------
  async function renderConfig() {
    const text = await api('GET', '/config?format=yaml');
    state.editorHash = state.etag;
    drawn();
    $('#cfg-text').value = text;
    $('#cfg-text').removeAttribute('aria-invalid');
    $('#cfg-hash').textContent = 'running ' + state.etag;
    $('#cfg-errors').replaceChildren();
  }
  function showErrors(e) {
    const list = $('#cfg-errors');
    const errors = e.body.errors || [{ message: e.message }];
    $('#cfg-text').setAttribute('aria-invalid', 'true');
    list.replaceChildren(...errors.map(x => el('li', {},
      x.line ? el('button', { type: 'button', 'aria-label': 'Go to line ' + x.line, onclick: () => goToLine(x.line, x.column) }, 'line ' + x.line) : null,
      x.field ? el('strong', {}, x.field + ': ') : null, x.message)));
  }
  function goToLine(line, column) {
    const t = $('#cfg-text');
    const lines = t.value.split('\n');
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    const end = pos + (lines[line - 1] || '').length;
    t.focus();
    t.setSelectionRange(pos + Math.max(0, (column || 1) - 1), end);
    t.scrollTop = Math.max(0, (line - 5) * 19.5);
  }
  $('#cfg-validate').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/config?dry_run=true', $('#cfg-text').value);
      $('#cfg-text').removeAttribute('aria-invalid');
      $('#cfg-errors').replaceChildren(el('li', { class: 'ok' }, 'Valid: ' + Object.entries(r.counts).map(([k, v]) => v + ' ' + k).join(', ') + '.'));
    } catch (e) { showErrors(e); }
  });
  $('#cfg-save').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/config', $('#cfg-text').value, { 'If-Match': state.editorHash });
      notice(r.changed ? 'Configuration saved and applied (now ' + r.hash + ', previous kept as backup ' + r.backup + ').' : 'No change.', true);
      await renderConfig();
    } catch (e) {
      if (e.status === 412) notice('The configuration changed since you opened it; discard your edits to see the new version, or copy them first.');
      else showErrors(e);
    }
  });
  $('#cfg-revert').addEventListener('click', renderConfig);

  // ---------- history ----------
  async function renderHistory() {
    const h = await api('GET', '/history');
    $('#diff-box').hidden = true;
    const rows = h.data.map(b => el('tr', {},
      el('th', { scope: 'row' }, '#' + b.number, el('div', { class: 'mono muted small' }, b.hash)),
      el('td', {}, new Date(b.replaced_at || b.created_at).toLocaleString()), el('td', {}, b.replaced_by || b.created_by || '(file edit)'), el('td', {}, b.change || ''),
      el('td', { class: 'actions' },
        el('button', { type: 'button', 'aria-label': 'Show diff of backup ' + b.number, onclick: () => showDiff(b.number) }, 'Diff'),
        el('button', { type: 'button', class: 'danger', 'aria-label': 'Roll back to backup ' + b.number, onclick: () => rollback(b.number) }, 'Roll back'))));
    $('#history tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No earlier versions yet.'))]));
    drawn();
  }
  async function showDiff(n) {
    const [old, now] = await Promise.all([api('GET', '/history/' + n), api('GET', '/config?format=yaml')]);
    $('#diff-title').textContent = 'Backup #' + n + ' → running';
    $('#diff').replaceChildren(...diffLines(old.split('\n'), now.split('\n')));
    $('#diff-box').hidden = false;
    drawn(); // a rollback replaces the configuration this diff was taken against
    $('#diff').focus();
  }
  function diffLines(a, b) {
    // Longest common subsequence over lines: configuration files are small.
    const m = a.length, n = b.length, dp = Array.from({ length: m + 1 }, () => new Uint16Array(n + 1));
    for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    const out = []; let i = 0, j = 0;
    while (i < m || j < n) {
      if (i < m && j < n && a[i] === b[j]) { out.push(document.createTextNode('  ' + a[i] + '\n')); i++; j++; }
      else if (j < n && (i >= m || dp[i][j + 1] >= dp[i + 1][j])) { out.push(el('span', { class: 'add' }, '+ ' + b[j])); j++; }
      else { out.push(el('span', { class: 'del' }, '- ' + a[i])); i++; }
    }
    return out;
  }
  async function rollback(n) {
    if (!confirm('Replace the running configuration with backup #' + n + '?')) return;
    try {
      const r = await api('POST', '/history/' + n + '/rollback');
      notice('Rolled back to backup #' + n + ' (now ' + r.hash + ').', true);
    } catch (e) { notice(e.message); }
    await renderHistory();
  }

  // ---------- start ----------
  (async () => {
    if (await finishSso()) return;
    if (!state.token) return showLogin();
    try { await start(); } catch (e) { if (e.status !== 401) showLogin(e.message); }
  })();
}());
