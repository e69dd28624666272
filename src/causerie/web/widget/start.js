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
      `<p class="cz-status cz-sr" role="status"></p><div class="cz-fb"></div><div class="cz-list"></div><button type="button" class="cz-btn cz-more" hidden>${esc(t('load_more'))}</button>`;
    root.querySelector('.cz-privacy').before(form(null));
    root.querySelector('.cz-form').insertAdjacentHTML('beforebegin', '<p class="cz-rule" hidden></p>');
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
      const sd = ssr.dataset;
      rules({ closed: sd.closed && { reason: sd.closed, since: sd.since }, closes_at: sd.closesAt, premod: 'premod' in sd });
      const fb = ssr.querySelector('.cz-feat');
      if (fb) root.querySelector('.cz-fb').append(fb);
      state.next = ssr.dataset.next || null;
      state.total = +ssr.dataset.total;
      root.querySelector('.cz-more').hidden = !state.next;
      fmtDates(root);
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
