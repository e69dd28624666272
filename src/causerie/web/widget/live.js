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

