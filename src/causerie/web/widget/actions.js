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
    if (action === 'report') return reportDialog(id, button);
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


  // The report dialog: a reason (and a few words for "other"), keyboard and screen-reader ready.
  function reportDialog(id, button) {
    const d = doc.createElement('dialog');
    d.className = 'cz-dlg';
    d.setAttribute('aria-labelledby', 'cz-rp-t');
    d.lang = lang;
    d.dir = M.dir;
    const reasons = ['spam', 'abuse', 'off_topic', 'personal_data', 'other'].map((r, i) =>
      `<label class="cz-check"><input type="radio" name="reason" value="${r}"${i ? '' : ' checked'}> ${esc(t('report_reason.' + r))}</label>`).join('');
    d.innerHTML =
      `<form novalidate><h2 id="cz-rp-t">${esc(t('report_title'))}</h2><fieldset><legend>${esc(t('report_why'))}</legend>${reasons}</fieldset>` +
      `<div class="cz-field"><label for="cz-rp">${esc(t('report_text'))}</label><textarea id="cz-rp" name="text" rows="2" maxlength="500" aria-describedby="cz-rp-e"></textarea><p class="cz-err" id="cz-rp-e" aria-live="polite"></p></div>` +
      `<p class="cz-msg" role="status"></p><div class="cz-actions"><button type="submit" class="cz-btn cz-go">${esc(t('report_send'))}</button><button type="button" class="cz-btn" data-rp="close">${esc(t('cancel'))}</button></div></form>`;
    const f = d.querySelector('form');
    d.addEventListener('click', (e) => { if (e.target.closest('[data-rp]')) d.close(); });
    d.addEventListener('close', () => { d.remove(); button.focus(); });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const area = f.elements.text;
      clearErrors(f);
      try {
        await api('POST', `/api/comments/${id}/reports`, {}, { reason: f.elements.reason.value, text: area.value.trim() || null, lang }, sessionHeader());
        button.dataset.act = 'done';
        button.setAttribute('aria-disabled', 'true');
        d.close();
        say(t('reported'));
      } catch (err) {
        if (err.field === 'text') { fieldError(f, 'text', err.message); area.focus(); } else f.querySelector('.cz-msg').textContent = err.message;
      }
    });
    root.append(d);
    d.showModal();
  }
