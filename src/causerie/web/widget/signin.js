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
    f.hidden = locked || state.shut;
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

