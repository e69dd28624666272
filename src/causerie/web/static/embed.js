/* Causerie comment widget: one <script src=".../embed.js" async> on the article page.
   Plain JavaScript, no dependency, no request anywhere but the Causerie server.
   Settings: data-causerie-{site,uri,title,lang,sort,limit,container,live,sso} on the script tag
   (sso: a token the publisher signed for its logged-in reader, docs/identity.md).
   The comment markup matches src/causerie/api/fragment.py (server-rendered first page). */
(() => {
  'use strict';
  const T0 = performance.now();
  const doc = document;
  const script = doc.currentScript || doc.querySelector('script[src*="embed.js"]');
  if (!script) return;
  const ORIGIN = new URL(script.src, location.href).origin;
  const ds = script.dataset;
  const canon = doc.querySelector('link[rel="canonical"]');
  const conf = {
    site: ds.causerieSite || '',
    // The thread key is the canonical URL's path: it survives http→https and domain moves.
    uri: ds.causerieUri || new URL(canon ? canon.href : location.href).pathname,
    title: ds.causerieTitle || doc.title,
    lang: (ds.causerieLang || doc.documentElement.lang || navigator.language || 'en').split('-')[0].toLowerCase(),
    limit: ds.causerieLimit || '',
    live: ds.causerieLive !== 'false',
    target: ds.causerieContainer || '#causerie-thread',
  };
  const state = { sort: ds.causerieSort || 'oldest', next: null, total: 0, cfg: {} };
  let M = {};
  let lang = conf.lang;
  let root = null;
  let list = null;

  // -- small helpers --------------------------------------------------------------
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const t = (key, params) => String(M[key] ?? key).replace(/\{(\w+)\}/g, (m, k) => (params && k in params ? params[k] : m));
  const kept = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem('causerie:' + key)) ?? fallback; } catch (e) { return fallback; }
  };
  const keep = (key, value) => {
    try { localStorage.setItem('causerie:' + key, JSON.stringify(value)); } catch (e) { /* private mode: fine */ }
  };
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of [].concat(v)) if (x !== '' && x != null) q.append(k, x);
    return q.toString();
  };
  const tokens = kept('tokens', {});
  for (const id in tokens) if (tokens[id].u < Date.now()) delete tokens[id];
  keep('tokens', tokens);
  const votes = kept('votes', {});
  const mine = (id) => tokens[id] && tokens[id].u > Date.now() && tokens[id];
  const liveTokens = () => Object.keys(tokens).filter(mine).map((id) => tokens[id].t);
  // The reader's session: a token kept here, sent in a header (no cookie, so it works
  // on any domain with third-party cookies blocked).
  const SESSION = 'session:' + (conf.site || 'default');
  let session = kept(SESSION, null);
  const signedIn = (s, sub) => { session = s && { t: s.token, n: s.name, s: sub }; keep(SESSION, session); };
  const sessionHeader = () => (session ? { 'X-Causerie-Session': session.t } : {});

  async function api(method, path, params, body, headers) {
    const init = { method, headers: Object.assign({}, headers) };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(ORIGIN + path + '?' + query(Object.assign({ lang }, params)), init);
    } catch (e) {
      throw { message: t('network') };
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw { status: res.status, field: data.field, error: data.error, message: data.message || t('network') };
    return data;
  }

  // -- dates and counts in the page's language ----------------------------------------
  let rtf, dtf, plural;
  const UNITS = [['second', 60], ['minute', 60], ['hour', 24], ['day', 7]];
  function fmtDates(scope) {
    for (const el of scope.querySelectorAll('time[datetime]')) {
      const d = new Date(el.dateTime);
      let s = (d - Date.now()) / 1000;
      let text = dtf.format(d);
      for (const [unit, n] of UNITS) {
        if (Math.abs(s) < n) { text = rtf.format(Math.round(s), unit); break; }
        s /= n;
      }
      el.textContent = text;
      el.title = dtf.format(d);
    }
  }
  const countText = (n) => {
    const key = 'count_' + (n ? plural.select(n) : 'zero');
    return t(key in M ? key : 'count_other', { n: n.toLocaleString(lang) });
  };

  // -- markup -------------------------------------------------------------------
  const hue = (seed) => parseInt(String(seed || '0').slice(0, 4), 16) % 360 || 0;
  const vote = (act, label, sym, n, id) =>
    `<button type="button" class="cz-v" data-act="${act}"${votes[id] ? ' disabled' : ''}><span aria-hidden="true">${sym}</span><span class="cz-sr">${esc(t(label))}</span> <span class="cz-k">${n}</span></button>`;

  function comment(c) {
    let body;
    if (c.state === 'deleted') {
      body = `<p class="cz-b cz-gone">${esc(t('deleted'))}</p>`;
    } else {
      const name = esc(c.author);
      const who = c.website
        ? `<a class="cz-a" href="${esc(c.website)}" rel="nofollow ugc noopener" dir="auto">${name}</a>`
        : `<b class="cz-a" dir="auto">${name}</b>`;
      const own = mine(c.id)
        ? `<button type="button" class="cz-btn" data-act="edit">${esc(t('edit'))}</button><button type="button" class="cz-btn" data-act="delete">${esc(t('delete'))}</button>`
        : '';
      body =
        `<header class="cz-h"><span class="cz-av" aria-hidden="true" style="--cz-hue:${hue(c.avatar)}">${esc([...(c.author || '?').trim()][0] || '?').toUpperCase()}</span>${who}` +
        (c.verified ? `<span class="cz-ok" title="${esc(t('verified'))}"><span aria-hidden="true">✓</span><span class="cz-sr">${esc(t('verified'))}</span></span>` : '') +
        (c.by_site ? `<span class="cz-tag">${esc(t('by_site'))}</span>` : '') +
        (c.pinned ? `<span class="cz-tag">${esc(t('pinned'))}</span>` : '') +
        `<a class="cz-t" href="#cz-c-${c.id}"><time datetime="${esc(c.created)}"></time></a>` +
        (c.modified ? `<span class="cz-ed">${esc(t('edited'))}</span>` : '') +
        `</header><div class="cz-b" dir="auto">${c.html}</div>` +
        (c.state === 'pending' ? `<p class="cz-n">${esc(t('pending'))}</p>` : '') +
        `<footer class="cz-f">${vote('up', 'like', '▲', c.likes, c.id)}${vote('down', 'dislike', '▼', c.dislikes, c.id)}<button type="button" class="cz-btn" data-act="reply">${esc(t('reply'))}</button>${own}</footer>`;
    }
    const hidden = c.hidden_replies ? `<p class="cz-hr">${esc(t('more_replies', { n: c.hidden_replies }))}</p>` : '';
    return `<article class="cz-c${c.state === 'deleted' ? ' cz-del' : ''}" id="cz-c-${c.id}" data-id="${c.id}">${body}<div class="cz-r">${(c.replies || []).map(comment).join('')}${hidden}</div></article>`;
  }

  function field(id, name, type, extra, label) {
    return `<div class="cz-field cz-${name}"><label for="${id}-${name}">${esc(t(label || name))}</label><input id="${id}-${name}" name="${name}" type="${type}" ${extra} aria-describedby="${id}-${name}-e"><p class="cz-err" id="${id}-${name}-e" aria-live="polite"></p></div>`;
  }

  function form(parent, name) {
    const id = parent ? 'cz-f' + parent : 'cz-f';
    const me = kept('me', {});
    const el = doc.createElement('form');
    el.className = 'cz-form';
    el.noValidate = true;
    el.dataset.parent = parent || '';
    el.setAttribute('aria-labelledby', id + '-t');
    el.innerHTML =
      `<h4 class="cz-ft" id="${id}-t">${esc(parent ? t('reply_title', { name }) : t('form_title'))}</h4>` +
      `<div class="cz-field cz-text"><label for="${id}-text">${esc(t('text'))}</label><textarea id="${id}-text" name="text" rows="${parent ? 3 : 5}" aria-describedby="${id}-text-h ${id}-text-e"></textarea>` +
      `<div class="cz-pv cz-b" dir="auto" hidden></div><p class="cz-hint" id="${id}-text-h">${esc(t('text_hint'))}</p><p class="cz-err" id="${id}-text-e" aria-live="polite"></p></div>` +
      `<div class="cz-row">${field(id, 'author', 'text', 'autocomplete="name"')}${field(id, 'email', 'email', 'autocomplete="email"')}${field(id, 'website', 'url', 'autocomplete="url"')}</div>` +
      `<div class="cz-hp" aria-hidden="true"><label for="${id}-hp">${esc(t('honeypot'))}</label><input id="${id}-hp" name="hp" tabindex="-1" autocomplete="off"></div>` +
      `<label class="cz-check"><input type="checkbox" name="notify"> ${esc(t('notify'))}</label>` +
      `<div class="cz-actions"><button type="submit" class="cz-btn cz-go">${esc(t('submit'))}</button><button type="button" class="cz-btn" data-act="preview" aria-pressed="false">${esc(t('preview'))}</button>` +
      (parent ? `<button type="button" class="cz-btn" data-act="cancel">${esc(t('cancel'))}</button>` : '') +
      `</div><p class="cz-msg" role="status"></p>`;
    for (const k of ['author', 'email', 'website']) el.elements[k].value = me[k] || '';
    return el;
  }

  // -- thread ---------------------------------------------------------------------
  const byId = (id) => doc.getElementById('cz-c-' + id);
  const say = (text) => { root.querySelector('.cz-status').textContent = text; };

  function showTotal() {
    root.querySelector('.cz-count').textContent = countText(state.total);
    const empty = list.querySelector('.cz-empty');
    if (list.querySelector('.cz-c')) { if (empty) empty.remove(); } else if (!empty) list.innerHTML = `<p class="cz-empty">${esc(t('empty'))}</p>`;
  }

  async function loadPage(cursor) {
    const tok = liveTokens();
    return api('GET', '/api/comments', { uri: conf.uri, site: conf.site, sort: state.sort, cursor, limit: conf.limit }, undefined,
      tok.length ? { 'X-Causerie-Tokens': tok.join(',') } : {});
  }

  function showPage(page, append) {
    const html = page.comments.map(comment).join('');
    if (append) list.insertAdjacentHTML('beforeend', html); else list.innerHTML = html;
    state.next = page.next;
    state.total = page.total;
    root.querySelector('.cz-more').hidden = !state.next;
    fmtDates(list);
    showTotal();
  }

  // Put a comment (new, or changed) in its place; true when it was not there before.
  function place(c, live) {
    const old = byId(c.id);
    const tmp = doc.createElement('div');
    tmp.innerHTML = comment(Object.assign({ replies: [] }, c));
    const node = tmp.firstChild;
    fmtDates(node);
    if (old) {
      node.querySelector('.cz-r').replaceWith(old.querySelector(':scope > .cz-r'));
      old.replaceWith(node);
      return false;
    }
    const parent = c.parent && byId(c.parent);
    if (parent) parent.querySelector('.cz-r').append(node);
    else if (state.sort === 'newest') list.prepend(node);
    else if (!live || !state.next) list.append(node);
    else return false;
    return true;
  }

  function remove(id) {
    const node = byId(id);
    if (!node) return;
    if (node.querySelector('.cz-r .cz-c')) place({ id, parent: null, state: 'deleted' });
    else {
      // A deleted comment stays only as long as it has replies under it.
      let up = node.parentNode.closest('.cz-c');
      node.remove();
      while (up && up.classList.contains('cz-del') && !up.querySelector('.cz-r .cz-c')) {
        const next = up.parentNode.closest('.cz-c');
        up.remove();
        up = next;
      }
    }
    state.total = Math.max(0, state.total - 1);
    showTotal();
  }

  // -- form: validation, posting, preview ----------------------------------------------
  function fieldError(f, name, message) {
    const input = f.elements[name];
    const box = input && f.querySelector(`#${input.id}-e`);
    if (!box) return false;
    box.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    return input;
  }

  function clearErrors(f) {
    for (const e of f.querySelectorAll('.cz-err')) e.textContent = '';
    for (const e of f.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    f.querySelector('.cz-msg').textContent = '';
  }

  function check(data) {
    const errors = {};
    const max = state.cfg.max_comment_length;
    if (!data.text) errors.text = t('error.text_required');
    else if (max && data.text.length > max) errors.text = t('error.text_too_long', { max });
    if (!data.author && !session && !state.cfg.allow_anonymous) errors.author = t('error.author_required');
    if (data.email && !/^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/.test(data.email)) errors.email = t('error.email_invalid');
    if (data.website && /\s/.test(data.website)) errors.website = t('error.website_invalid');
    return errors;
  }

  function showErrors(f, errors) {
    let first = null;
    for (const [name, message] of Object.entries(errors)) {
      const input = fieldError(f, name, message);
      first = first || input;
    }
    if (first) first.focus();
  }

  async function submit(f) {
    clearErrors(f);
    const v = (k) => f.elements[k].value.trim();
    const data = {
      uri: conf.uri, site: conf.site || null, title: conf.title, lang,
      text: v('text'), author: v('author'), email: v('email'), website: v('website'),
      parent: +f.dataset.parent || null, notify: f.elements.notify.checked,
      hp: f.elements.hp.value, elapsed: Math.round((performance.now() - T0) / 100) / 10,
    };
    const errors = check(data);
    if (Object.keys(errors).length) return showErrors(f, errors);
    const button = f.querySelector('.cz-go');
    button.disabled = true;
    button.textContent = t('sending');
    try {
      const c = await api('POST', '/api/comments', {}, data, sessionHeader());
      tokens[c.id] = { t: c.edit_token, u: Date.parse(c.edit_until), x: data.text };
      keep('tokens', tokens);
      keep('me', { author: data.author, email: data.email, website: data.website });
      if (place(c) && c.state === 'approved') state.total += 1;
      showTotal();
      const until = new Date(c.edit_until).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
      const note = t(c.state === 'approved' ? 'posted' : c.state === 'pending' ? 'pending' : 'held') + ' ' + t('edit_until', { time: until });
      if (data.parent) { f.remove(); say(note); byId(c.id).querySelector('[data-act="edit"]')?.focus(); return; }
      f.reset();
      for (const k of ['author', 'email', 'website']) f.elements[k].value = data[k];
      f.querySelector('.cz-msg').textContent = note;
    } catch (e) {
      if (e.status === 401 && session) { signedIn(null); who(); }
      const input = e.field && fieldError(f, e.field, e.message);
      if (input) input.focus();
      else f.querySelector('.cz-msg').textContent = e.message;
    } finally {
      button.disabled = false;
      button.textContent = t('submit');
    }
  }

  async function preview(f, button) {
    const pane = f.querySelector('.cz-pv');
    const area = f.elements.text;
    const on = pane.hidden;
    if (on) {
      try {
        pane.innerHTML = (await api('POST', '/api/preview', {}, { text: area.value })).html;
      } catch (e) {
        return (f.querySelector('.cz-msg').textContent = e.message);
      }
    }
    pane.hidden = !on;
    area.hidden = on;
    button.setAttribute('aria-pressed', String(on));
    button.textContent = t(on ? 'write' : 'preview');
  }

  // -- actions on comments ----------------------------------------------------------------
  async function act(button) {
    const action = button.dataset.act;
    if (action === 'signin') return (root.querySelector('.cz-dlg') || dialog()).showModal();
    if (action === 'signout') return signOut();
    const f = button.closest('form');
    if (action === 'preview') return preview(f, button);
    if (action === 'cancel') return f.remove();
    const node = button.closest('.cz-c');
    const id = +node.dataset.id;
    if (action === 'reply') return reply(node, id);
    if (action === 'up' || action === 'down') return castVote(node, id, action === 'up' ? 1 : -1);
    if (action === 'edit') return editForm(node, id);
    if (action === 'cancel-edit') return closeEdit(node);
    if (action === 'delete') {
      button.dataset.act = 'confirm';
      button.textContent = t('confirm_delete');
      return;
    }
    if (action === 'confirm') {
      try {
        await api('DELETE', '/api/comments/' + id, {}, undefined, { Authorization: 'Bearer ' + mine(id).t });
        delete tokens[id];
        keep('tokens', tokens);
        say(t('removed'));
        remove(id);
      } catch (e) {
        say(e.message);
      }
    }
  }

  function reply(node, id) {
    const open = node.querySelector(':scope > .cz-form');
    if (open) return open.elements.text.focus();
    const name = node.querySelector(':scope > .cz-h .cz-a')?.textContent || '';
    const f = form(id, name);
    node.querySelector(':scope > .cz-f').after(f);
    f.elements.text.focus();
  }

  async function castVote(node, id, value) {
    const buttons = node.querySelectorAll(':scope > .cz-f .cz-v');
    for (const b of buttons) b.disabled = true;
    try {
      const r = await api('POST', `/api/comments/${id}/vote`, {}, { value });
      buttons[0].querySelector('.cz-k').textContent = r.likes;
      buttons[1].querySelector('.cz-k').textContent = r.dislikes;
      say(t('voted'));
    } catch (e) {
      say(e.message);
      if (e.status !== 409) { for (const b of buttons) b.disabled = false; return; }
    }
    votes[id] = value;
    keep('votes', votes);
  }

  function editForm(node, id) {
    if (node.querySelector(':scope > .cz-edit')) return;
    const body = node.querySelector(':scope > .cz-b');
    const f = doc.createElement('form');
    f.className = 'cz-edit';
    f.noValidate = true;
    f.innerHTML =
      `<label for="cz-e${id}">${esc(t('text'))}</label><textarea id="cz-e${id}" name="text" rows="4" aria-describedby="cz-e${id}-e"></textarea><p class="cz-err" id="cz-e${id}-e" aria-live="polite"></p>` +
      `<div class="cz-actions"><button type="submit" class="cz-btn cz-go">${esc(t('save'))}</button><button type="button" class="cz-btn" data-act="cancel-edit">${esc(t('cancel'))}</button></div>`;
    f.elements.text.value = mine(id).x ?? body.textContent.trim();
    body.hidden = true;
    body.after(f);
    f.elements.text.focus();
  }

  function closeEdit(node) {
    node.querySelector(':scope > .cz-edit')?.remove();
    node.querySelector(':scope > .cz-b').hidden = false;
    node.querySelector('[data-act="edit"]')?.focus();
  }

  async function saveEdit(f) {
    const node = f.closest('.cz-c');
    const id = +node.dataset.id;
    const text = f.elements.text.value.trim();
    const error = f.querySelector('.cz-err');
    if (!text) return (error.textContent = t('error.text_required'), f.elements.text.focus());
    try {
      const c = await api('PATCH', '/api/comments/' + id, {}, { text }, { Authorization: 'Bearer ' + mine(id).t });
      tokens[id].x = text;
      keep('tokens', tokens);
      place(c);
      say(t('updated'));
      byId(id).querySelector('[data-act="edit"]')?.focus();
    } catch (e) {
      error.textContent = e.message;
      f.elements.text.focus();
    }
  }

  // -- sign-in: who is commenting, the dialog, the pop-up ----------------------------------
  const signin = () => state.cfg.signin || { policy: 'anyone', methods: [] };
  let popup = null;

  // The bar above the form: "commenting as …" with sign out, or the sign-in button.
  function who() {
    const bar = root.querySelector('.cz-who');
    const f = root.querySelector('.cz-form');
    const { policy, methods } = signin();
    const locked = policy !== 'anyone' && !session;
    for (const k of ['author', 'email']) f.querySelector('.cz-' + k).hidden = !!session;
    f.hidden = locked;
    bar.innerHTML = session
      ? `<span>${esc(t('signin.as', { name: session.n }))}</span> <button type="button" class="cz-btn" data-act="signout">${esc(t('signin.out'))}</button>`
      : (locked ? `<span>${esc(t(policy === 'subscribers' ? 'signin.subscribers' : 'signin.required'))}</span> ` : '') +
        (methods.length ? `<button type="button" class="cz-btn" data-act="signin">${esc(t('signin.open'))}</button>` : '');
  }

  function dialog() {
    const d = doc.createElement('dialog');
    d.className = 'cz-dlg';
    d.setAttribute('aria-labelledby', 'cz-si-t');
    d.lang = lang;
    d.dir = M.dir;
    const items = signin().methods.map((m) =>
      m.method === 'oidc' ? `<button type="button" class="cz-btn" data-si="oidc">${esc(t('signin.with', { name: m.name }))}</button>`
        : m.method === 'sso' ? (m.login_url ? `<a class="cz-btn" href="${esc(m.login_url)}">${esc(t('signin.site'))}</a>` : '')
        : `<form class="cz-si-mail" novalidate>${field('cz-si', 'si_name', 'text', 'autocomplete="name" required', 'signin.name')}${field('cz-si', 'si_email', 'email', 'autocomplete="email" required', 'signin.address')}<button type="submit" class="cz-btn cz-go">${esc(t('signin.email'))}</button></form>` +
          `<form class="cz-si-code" novalidate hidden><p role="status">${esc(t('signin.email_sent'))}</p>${field('cz-si', 'si_code', 'text', 'inputmode="numeric" autocomplete="one-time-code" maxlength="6"', 'signin.code')}<button type="submit" class="cz-btn cz-go">${esc(t('signin.verify'))}</button></form>`);
    d.innerHTML = `<h2 id="cz-si-t">${esc(t('signin.title'))}</h2>${items.join('')}<p class="cz-msg" role="status"></p><button type="button" class="cz-btn" data-si="close">${esc(t('signin.close'))}</button>`;
    const msg = d.querySelector('.cz-msg');
    let handle = '';
    const finish = (s) => { signedIn(s); d.close(); who(); say(t('signin.as', { name: s.name })); };
    d.addEventListener('click', (e) => {
      const b = e.target.closest('[data-si]');
      if (!b) return;
      if (b.dataset.si === 'close') return d.close();
      // Opened in the click itself (pop-up blockers); the provider is contacted only now.
      popup = window.open(ORIGIN + '/signin/oidc/start?' + query({ site: conf.site, origin: location.origin, lang }), 'causerie-signin', 'width=520,height=660');
      if (!popup) msg.textContent = t('signin.popup_blocked');
    });
    d.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = e.target;
      const val = (n) => f.elements[n].value.trim();
      msg.textContent = '';
      try {
        if (f.classList.contains('cz-si-mail')) {
          handle = (await api('POST', '/api/signin/email', {}, { site: conf.site || null, lang, name: val('si_name'), email: val('si_email'), page: location.href.split('#')[0] })).handle;
          f.hidden = true;
          d.querySelector('.cz-si-code').hidden = false;
          d.querySelector('.cz-si-code input').focus();
        } else finish(await api('POST', '/api/signin/email/verify', {}, { handle, code: val('si_code') }));
      } catch (err) {
        const input = err.field && fieldError(f, 'si_' + err.field, err.message);
        if (input) input.focus(); else msg.textContent = err.message;
      }
    });
    // The pop-up's last page posts the session; only the Causerie server's origin is believed.
    window.addEventListener('message', (e) => {
      if (e.origin !== ORIGIN || e.source !== popup || !e.data || e.data.causerie !== 'signin') return;
      finish({ token: e.data.token, name: e.data.name });
    });
    root.append(d);
    return d;
  }

  async function signOut() {
    await api('POST', '/api/signin/signout', {}, undefined, sessionHeader()).catch(() => {});
    signedIn(null);
    who();
    root.querySelector('[data-act="signin"]')?.focus();
  }

  // A publisher's token in the embed, or the code of a mailed link, becomes a session.
  async function autoSignIn() {
    const link = location.hash.match(/causerie-signin=([\w-]+)\.(\d{6})/);
    if (link) {
      history.replaceState(null, '', location.href.split('#')[0]);
      signedIn(await api('POST', '/api/signin/email/verify', {}, { handle: link[1], code: link[2] }));
    } else if (ds.causerieSso) {
      // Exchanged once per reader: again only when the publisher's page names someone else.
      const sub = JSON.parse(atob(ds.causerieSso.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub;
      if (!session || session.s !== sub) signedIn(await api('POST', '/api/signin/sso', {}, { site: conf.site || null, token: ds.causerieSso }), sub);
    } else if (session && session.s) {
      signedIn(null); // signed out on the publisher's site: out here too
    }
  }

  // -- live updates (server-sent events) ----------------------------------------------------
  function listen() {
    if (!conf.live || !window.EventSource) return;
    const source = new EventSource(ORIGIN + '/api/stream?' + query({ uri: conf.uri, site: conf.site }));
    source.onopen = () => { root.parentNode.dataset.causerieLive = 'on'; };
    source.addEventListener('comment', (e) => {
      const c = JSON.parse(e.data);
      if (place(c, true)) {
        state.total += 1;
        showTotal();
        say(t('new_comment', { name: c.author }));
      }
    });
    source.addEventListener('edit', (e) => { const c = JSON.parse(e.data); if (byId(c.id)) place(c); });
    source.addEventListener('remove', (e) => remove(JSON.parse(e.data).id));
  }

  // -- start -----------------------------------------------------------------------
  function shell() {
    root = doc.createElement('div');
    root.className = 'causerie';
    root.lang = lang;
    root.dir = M.dir;
    const sorts = ['oldest', 'newest', 'top'].map((s) => `<option value="${s}"${s === state.sort ? ' selected' : ''}>${esc(t('sort_' + s))}</option>`).join('');
    const privacy = ORIGIN + '/privacy?' + query({ site: conf.site || 'default', lang });
    root.innerHTML =
      `<div class="cz-top"><h3 class="cz-count"></h3><label class="cz-sort">${esc(t('sort'))} <select>${sorts}</select></label></div>` +
      `<p class="cz-privacy">${esc(t('privacy'))} <a href="${esc(privacy)}">${esc(t('privacy_link'))}</a></p>` +
      `<p class="cz-status cz-sr" role="status"></p><div class="cz-list"></div><button type="button" class="cz-btn cz-more" hidden>${esc(t('load_more'))}</button>`;
    root.querySelector('.cz-privacy').before(form(null));
    root.querySelector('.cz-form').insertAdjacentHTML('beforebegin', '<p class="cz-who"></p>');
    list = root.querySelector('.cz-list');
    root.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-act]');
      if (b && root.contains(b)) { e.preventDefault(); act(b); }
    });
    root.addEventListener('submit', (e) => {
      e.preventDefault();
      if (e.target.closest('.cz-dlg')) return;
      if (e.target.classList.contains('cz-edit')) saveEdit(e.target); else submit(e.target);
    });
    root.querySelector('select').addEventListener('change', async (e) => {
      state.sort = e.target.value;
      try { showPage(await loadPage(), false); } catch (err) { say(err.message); }
    });
    root.querySelector('.cz-more').addEventListener('click', async (e) => {
      const b = e.currentTarget;
      b.disabled = true;
      try { showPage(await loadPage(state.next), true); } catch (err) { say(err.message); } finally { b.disabled = false; }
    });
  }

  async function counts() {
    const els = [...doc.querySelectorAll('[data-causerie-count]')];
    if (!els.length) return;
    const found = (await api('GET', '/api/counts', { uri: els.map((e) => e.dataset.causerieCount), site: conf.site })).counts;
    for (const e of els) e.textContent = countText(found[e.dataset.causerieCount] || 0);
  }

  async function boot() {
    const box = doc.querySelector(conf.target);
    if (!box && !doc.querySelector('[data-causerie-count]')) return;
    if (!doc.querySelector('link[data-causerie]')) {
      const css = doc.createElement('link');
      css.rel = 'stylesheet';
      css.href = ORIGIN + '/static/embed.css';
      css.dataset.causerie = '';
      doc.head.append(css);
    }
    const ssr = box && box.querySelector('[data-causerie-ssr]');
    // The server-rendered first page is taken over as it is, unless the reader has own
    // (possibly pending) comments that only a personal read shows.
    const takeOver = ssr && ssr.dataset.uri === conf.uri && ssr.dataset.sort === state.sort && !liveTokens().length;
    const catalog = fetch(`${ORIGIN}/api/i18n/${encodeURIComponent(lang)}.json`).then((r) => r.json());
    const cfg = box ? api('GET', '/api/config', { site: conf.site }).catch(() => ({})) : null;
    const page = box && !takeOver ? loadPage().catch((e) => e) : null;
    const cat = await catalog;
    M = Object.assign(cat.messages, { dir: cat.dir });
    lang = cat.lang;
    rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    dtf = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    plural = new Intl.PluralRules(lang);
    counts().catch(() => {});
    if (!box) return;
    state.cfg = await cfg;
    await autoSignIn().catch(() => signedIn(null));
    let fetched = performance.now() - T0;
    shell();
    who();
    if (takeOver) {
      list.replaceWith(ssr.querySelector('.cz-list'));
      list = root.querySelector('.cz-list');
      state.next = ssr.dataset.next || null;
      state.total = +ssr.dataset.total;
      root.querySelector('.cz-more').hidden = !state.next;
      fmtDates(list);
      showTotal();
    } else {
      const first = await page;
      fetched = performance.now() - T0;
      if (first.comments) showPage(first, false);
      else list.textContent = first.message;
    }
    box.replaceChildren(root);
    box.dataset.causerieUri = conf.uri;
    const ms = performance.now() - T0;
    box.dispatchEvent(new CustomEvent('causerie:ready', { bubbles: true, detail: { ms, fetched, comments: list.querySelectorAll('.cz-c').length } }));
    listen();
    setInterval(() => {
      fmtDates(list);
      for (const b of root.querySelectorAll('[data-act="edit"],[data-act="delete"],[data-act="confirm"]')) if (!mine(b.closest('.cz-c').dataset.id)) b.remove();
    }, 30000);
  }

  boot().catch((e) => console.error('causerie:', e));
})();
