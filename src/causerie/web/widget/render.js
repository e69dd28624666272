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
        (c.featured ? `<span class="cz-tag">${esc(t('featured'))}</span>` : '') +
        `<a class="cz-t" href="#cz-c-${c.id}"><time datetime="${esc(c.created)}"></time></a>` +
        (c.modified ? `<span class="cz-ed">${esc(t('edited'))}</span>` : '') +
        `</header><div class="cz-b" dir="auto">${c.html}</div>` +
        (c.state === 'pending' ? `<p class="cz-n">${esc(t('pending'))}</p>` : '') +
        `<footer class="cz-f">${vote('up', 'like', '▲', c.likes, c.id)}${vote('down', 'dislike', '▼', c.dislikes, c.id)}<button type="button" class="cz-btn" data-act="reply">${esc(t('reply'))}</button>${own}` +
        (c.state === 'approved' && !own ? `<button type="button" class="cz-btn" data-act="report">${esc(t('report'))}</button>` : '') + '</footer>';
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

  // Editors' picks, first and apart: a labelled section, each linking to its place in the thread.
  const picks = (items) => items && items.length
    ? `<section class="cz-feat" aria-labelledby="cz-feat-h"><h4 id="cz-feat-h">${esc(t('featured'))}</h4>` +
      items.map((c) => `<article class="cz-c"><header class="cz-h"><b class="cz-a" dir="auto">${esc(c.author)}</b><a class="cz-t" href="#cz-c-${c.id}"><time datetime="${esc(c.created)}"></time></a></header><div class="cz-b" dir="auto">${c.html}</div></article>`).join('') + '</section>'
    : '';

  // What the thread's rules say: closed (why, since when) or reviewed before publication.
  function rules(page) {
    const c = page.closed || (page.closes_at && Date.parse(page.closes_at) <= Date.now() && { reason: 'auto', since: page.closes_at });
    const note = root.querySelector('.cz-rule');
    state.shut = !!c;
    root.classList.toggle('cz-shut', state.shut);
    note.textContent = c ? t('closed.' + c.reason, { date: c.since ? new Date(c.since).toLocaleDateString(lang, { dateStyle: 'long' }) : '' }) : page.premod ? t('premod') : '';
    note.hidden = !note.textContent;
    if (root.querySelector('.cz-who')) who();
  }

  function showPage(page, append) {
    if (!append) {
      rules(page);
      root.querySelector('.cz-fb').innerHTML = picks(page.featured);
    }
    const html = page.comments.map(comment).join('');
    if (append) list.insertAdjacentHTML('beforeend', html); else list.innerHTML = html;
    state.next = page.next;
    state.total = page.total;
    root.querySelector('.cz-more').hidden = !state.next;
    fmtDates(root);
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

