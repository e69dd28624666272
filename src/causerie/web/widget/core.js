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
    // The article's date: threads may close N days after it (docs/embedding.md).
    published: ds.causeriePublished || doc.querySelector('meta[property="article:published_time"]')?.content || '',
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
    if (!res.ok) throw { status: res.status, field: data.field, error: data.error, reason: data.reason, note: data.note, message: data.message || t('network') };
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

