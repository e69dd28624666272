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
      published: conf.published || null,
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
      if (e.error === 'thread_closed') {
        rules({ closed: { reason: e.reason } });
        return say((root.querySelector('.cz-rule').textContent = e.message));
      }
      const input = e.field && fieldError(f, e.field, e.message);
      if (input) input.focus();
      // A suspended reader reads the editors' own words after the sentence in her language.
      else f.querySelector('.cz-msg').textContent = e.message + (e.note ? ' ' + t('suspended_note') + ' ' + e.note : '');
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

