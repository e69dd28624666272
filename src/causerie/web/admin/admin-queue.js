/* Causerie moderation desk: the queue — tabs with live counts, the search line, the
   selection, the list of cards (admin-card.js), the pager and the keys. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  /* The desk's order: what waits for a human first, then what was caught, then browsing. */
  const MAIN = ["pending", "reported", "toxic", "spam", "unmoderated", "all"];
  const MORE = ["approved", "deleted", "featured"];
  const FALLBACK = ["pending", "spam", "approved", "deleted"];
  const FILTERS = ["author", "email", "ip"];
  const Q = (A.queue = { queue: null, offset: 0, limit: 50, items: [], index: 0, search: {}, thread: null, reader: null });
  /* What each decision makes of a comment (pin, unpin, unfeature change no state). */
  const RESULT = { approve: "approved", not_spam: "approved", keep: "approved", feature: "approved", spam: "spam", reject: "deleted", not_offensive: "approved", offensive: "deleted" };
  /* Queues a comment leaves on any decision: they hold what no human has decided on. */
  const UNDECIDED = ["pending", "reported", "toxic", "unmoderated"];

  A.shortcuts.push(
    ["queue", "j k", "help.move"], ["queue", "a", "help.approve"], ["queue", "d", "help.reject"],
    ["queue", "s", "help.spam"], ["queue", "n", "help.not_spam"], ["queue", "c", "help.keep"],
    ["queue", "f", "help.feature"], ["queue", "e", "help.edit"], ["queue", "r", "help.reply"],
    ["queue", "o", "help.not_offensive"], ["queue", "t", "help.offensive"],
    ["queue", "h", "help.history"], ["queue", "x", "help.select"], ["queue", "u", "help.undo"],
    ["queue", "/", "help.search"], ["queue", "1 … 9", "help.tabs"]);

  function queues() {
    if (!A.counts) return [FALLBACK, []];
    const known = [...MAIN, ...MORE];
    const extra = Object.keys(A.counts).filter((q) => !known.includes(q));
    return [[...MAIN.filter((q) => q in A.counts), ...extra], MORE.filter((q) => q in A.counts)];
  }

  Q.leaves = function (action) {
    if (Q.queue === "all" || !(action in RESULT || action === "unfeature")) return false;
    if (UNDECIDED.includes(Q.queue)) return action in RESULT;
    if (Q.queue === "featured") return ["unfeature", "spam", "reject"].includes(action);
    return action in RESULT && RESULT[action] !== Q.queue;
  };

  A.views.queue = async function (box, arg) {
    if (arg) Q.queue = arg;
    else if (!Q.queue) Q.queue = A.firstQueue || "pending"; /* the first queue with something in it */
    const params = new URLSearchParams({ state: Q.queue, limit: Q.limit, offset: Q.offset });
    if (A.site) params.set("site", A.site);
    if (Q.thread) params.set("thread", Q.thread.id);
    if (Q.reader) params.set("reader", Q.reader.key);
    for (const [k, v] of Object.entries(Q.search)) if (v) params.set(k, v);
    /* Redrawn after an action on a card: the focus goes back to the list, not the page top. */
    const old = document.getElementById("queue");
    const hadFocus = Boolean(old && old.contains(document.activeElement));
    const data = await A.api("GET", "/comments?" + params);
    Q.items = data.comments;
    Q.total = data.total;
    Q.index = Math.min(Q.index, Math.max(0, Q.items.length - 1));
    A.put(box,
      el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("queue.title")), newer()),
      tabs(),
      Q.searchForm(),
      Q.bulkBar(),
      el("p", { id: "count", class: "count-line" }, A.tn("queue.count", Q.total)),
      Q.items.length ? null : empty(),
      el("ol", { id: "queue", class: "queue", "aria-label": label(Q.queue) }, Q.items.map((c) => A.card(c, Q.queue))),
      Q.pager()
    );
    return () => {
      Q.focus(hadFocus);
      /* The list is in the page, then on the screen (the next frame painted): the
         benchmark reads both marks (bench/dashboard_render.py). */
      performance.mark("causerie:queue");
      requestAnimationFrame(() => setTimeout(() => performance.mark("causerie:queue-painted")));
    };
  };

  const label = (q) => (A.text["admin.queue." + q] ? t("queue." + q) : q);

  function tabs() {
    const [main, more] = queues();
    const count = (q) => (A.counts ? A.counts[q] || 0 : null);
    const tab = (q) => el("li", {}, el("a", {
      href: "#/queue/" + q, "data-queue": q, "aria-current": q === Q.queue ? "page" : null,
      onclick: (e) => { e.preventDefault(); Q.open(q); },
    }, el("span", { class: "label" }, label(q)), " ",
      A.counts ? el("span", { class: "count" + (count(q) ? " nonzero" : ""), "data-count": q }, A.number(count(q))) : null));
    return el("nav", { class: "queues", "aria-label": t("queue.states") },
      el("ul", { class: "main" }, main.map(tab)),
      more.length ? el("ul", { class: "more", "aria-label": t("queue.decided") }, more.map(tab)) : null);
  }

  /* An empty queue says where the rest is, so nobody concludes that nothing was caught. */
  function empty() {
    const elsewhere = queues()[0].filter((q) => q !== Q.queue && q !== "all" && q !== "unmoderated" && A.counts && A.counts[q] > 0);
    return el("div", { class: "empty", id: "empty" },
      el("p", {}, t(Q.search.q || Q.thread || Q.reader ? "queue.empty_search" : "queue.empty", { queue: label(Q.queue) })),
      elsewhere.length
        ? el("p", {}, t("queue.elsewhere"), " ", elsewhere.map((q, i) => [i ? ", " : "",
          el("a", { href: "#/queue/" + q, onclick: (e) => { e.preventDefault(); Q.open(q); } }, A.tn("queue.in", A.counts[q], { queue: label(q) }))]))
        : el("p", {}, t("queue.all_clear")));
  }

  /* New comments while the moderator works: offered, never pushed under her cursor. */
  function newer() {
    return el("button", { type: "button", id: "newer", class: "newer", hidden: true, onclick: () => A.show("queue") }, "");
  }
  A.countListeners.push(function (counts) {
    if (A.current !== "queue") return;
    /* The tabs are redrawn whole: the counts may arrive after the list (they are asked
       for in parallel), and the server may count a queue the desk had no tab for. */
    const nav = document.querySelector("nav.queues");
    if (nav) {
      const focused = nav.contains(document.activeElement) && document.activeElement.dataset.queue;
      const fresh = tabs();
      nav.replaceWith(fresh);
      if (focused) fresh.querySelector('[data-queue="' + focused + '"]')?.focus();
    }
    const button = document.getElementById("newer");
    const now = counts[Q.queue];
    const filtered = Q.search.q || Q.thread || Q.reader || FILTERS.some((f) => Q.search[f]);
    if (button && !filtered && now !== undefined && now > Q.total) {
      button.hidden = false;
      button.textContent = A.tn("queue.newer", now - Q.total);
    }
  });

  /* A scope (one article, one reader) opens on every state at once when the server has
     that queue, else on the tab in use; the scope stays while the tabs change. */
  Q.openScoped = function () {
    Q.open(A.counts && "all" in A.counts ? "all" : Q.queue || "pending");
  };

  Q.open = function (queue) {
    Q.offset = 0;
    Q.index = 0;
    A.navigate("queue", queue);
  };

  Q.searchForm = function () {
    const used = FILTERS.filter((f) => Q.search[f]).length;
    const field = (name) => el("span", { class: "field" },
      el("label", { for: "search-" + name }, t("search." + name)),
      el("input", { id: "search-" + name, name, type: "search", dir: name === "author" ? "auto" : "ltr", value: Q.search[name] || "" }));
    const scope = [];
    if (Q.thread) scope.push(chip(t("search.thread", { title: Q.thread.title }), () => { Q.thread = null; }));
    if (Q.reader) scope.push(chip(t("search.reader", { name: Q.reader.name }), () => { Q.reader = null; }));
    return el("form", { class: "filters", role: "search", onsubmit: (e) => {
      e.preventDefault();
      for (const name of ["q", ...FILTERS]) Q.search[name] = e.target.elements[name].value.trim();
      Q.offset = 0;
      A.show("queue", Q.queue);
    } },
      el("label", { for: "search-q", class: "visually-hidden" }, t("search.q")),
      el("input", { id: "search-q", name: "q", type: "search", dir: "auto", placeholder: t("search.placeholder"), value: Q.search.q || "", "aria-keyshortcuts": "/" }),
      scope,
      el("details", { class: "more-filters", open: used ? true : null },
        el("summary", {}, used ? t("search.more_used", { count: A.number(used) }) : t("search.more")),
        el("div", { class: "more-fields" }, FILTERS.map(field))),
      el("button", { type: "submit" }, t("search.submit")));
  };

  function chip(text, clear) {
    return el("span", { class: "scope" }, el("span", { dir: "auto" }, text),
      el("button", { type: "button", class: "clear", "aria-label": t("search.clear", { what: text }), onclick: () => { clear(); Q.offset = 0; A.show("queue", Q.queue); } }, "×"));
  }

  Q.bulkBar = function () {
    const act = (action) => () => Q.act(action, Q.selected());
    const actions = Q.queue === "reported" ? ["keep", "reject", "spam"] : Q.queue === "spam" ? ["not_spam", "reject"]
      : Q.queue === "toxic" ? ["not_offensive", "offensive"] : ["approve", "reject", "spam", "not_spam"];
    return el("div", { class: "bulk", role: "group", "aria-label": t("bulk.label") },
      el("input", { type: "checkbox", id: "select-all", onchange: (e) => Q.selectAll(e.target.checked) }),
      el("label", { for: "select-all" }, t("bulk.select_all")),
      el("span", { id: "selected", class: "selected", "aria-live": "polite" }),
      /* Shown once something is picked: a card's own buttons act on it alone. */
      el("span", { class: "bulk-actions", hidden: true }, actions.map((a) => el("button", { type: "button", "data-bulk": a, onclick: act(a) }, t("bulk." + a)))),
      A.button(t("action.undo"), "u", () => Q.undo(), { class: "undo" }));
  };

  Q.pager = function () {
    const prev = Q.offset > 0;
    const next = Q.offset + Q.items.length < Q.total;
    if (!prev && !next) return null;
    const go = (delta) => () => { Q.offset = Math.max(0, Q.offset + delta); Q.index = 0; A.show("queue", Q.queue); };
    return el("nav", { class: "pager", "aria-label": t("queue.pages") },
      el("button", { type: "button", disabled: !prev, onclick: go(-Q.limit) }, t("queue.previous")),
      el("span", {}, t("queue.range", { from: A.number(Q.offset + 1), to: A.number(Q.offset + Q.items.length), total: A.number(Q.total) })),
      el("button", { type: "button", disabled: !next, onclick: go(Q.limit) }, t("queue.next")));
  };

  Q.nodes = () => Array.from(document.querySelectorAll("#queue > li"));
  Q.item = (id) => Q.items.find((c) => c.id === id);
  Q.picked = () => Q.nodes().filter((n) => n.querySelector(".pick").checked).map((n) => Number(n.dataset.id));
  Q.selected = function () {
    const picked = Q.picked();
    if (picked.length) return picked;
    const current = Q.nodes()[Q.index];
    return current ? [Number(current.dataset.id)] : [];
  };
  Q.selectAll = function (on) {
    for (const n of Q.nodes()) n.querySelector(".pick").checked = on;
    Q.showPicked();
  };
  Q.showPicked = function () {
    const n = Q.picked().length;
    const box = document.getElementById("selected");
    if (box) box.textContent = n ? A.tn("bulk.selected", n) : "";
    const all = document.getElementById("select-all");
    if (all) all.checked = n > 0 && n === Q.nodes().length;
    const actions = document.querySelector(".bulk-actions");
    if (actions) actions.hidden = n === 0;
  };

  Q.focus = function (move) {
    const nodes = Q.nodes();
    if (!nodes.length) return;
    Q.index = Math.max(0, Math.min(Q.index, nodes.length - 1));
    for (const [i, n] of nodes.entries()) n.classList.toggle("current", i === Q.index);
    if (move) nodes[Q.index].focus();
  };

  Q.act = async function (action, ids) {
    if (!ids.length) return;
    const leaves = Q.leaves(action);
    if (leaves) {
      /* Take the items out at once, so a fast second key press acts on the next comment. */
      for (const n of Q.nodes()) if (ids.includes(Number(n.dataset.id))) n.remove();
      Q.total -= ids.length;
      document.getElementById("count").textContent = A.tn("queue.count", Q.total);
      Q.showPicked();
      Q.focus(true);
    }
    await Q.settle(async () => {
      await Q.inTurn(() => A.api("POST", "/comments/action", { action, ids }));
      A.say(A.t("done." + action, { count: A.number(ids.length) }));
      return !leaves || !Q.nodes().length;
    });
  };

  /* The list is redrawn from the server only once no decision is still on its way:
     a list fetched while a later decision waits its turn would bring that comment
     back, and nothing would take it out again. A failed decision redraws too. */
  let pending = 0;
  let stale = false;
  Q.settle = async function (decision) {
    pending += 1;
    try {
      if (await decision()) stale = true;
    } catch (error) {
      A.fail(error);
      stale = true;
    } finally {
      pending -= 1;
    }
    if (pending === 0 && (stale || !Q.nodes().length)) {
      stale = false;
      await A.show("queue", Q.queue);
    }
    A.refreshCounts();
  };

  /* Decisions reach the server in the order they were taken: an undo pressed right
     after a decision undoes that decision, not the one before it. */
  let turn = Promise.resolve();
  Q.inTurn = function (call) {
    const mine = turn.then(call);
    turn = mine.catch(() => {});
    return mine;
  };

  Q.undo = function () {
    return Q.settle(async () => {
      await Q.inTurn(() => A.api("POST", "/undo"));
      A.say(A.t("done.undo"));
      return true;
    });
  };

  /* The key acts on the selection, else on the current card if it offers that action. */
  function decide(action) {
    if (Q.picked().length) return Q.act(action, Q.picked());
    const node = Q.nodes()[Q.index];
    if (!node) return;
    const button = node.querySelector('[data-action="' + action + '"]');
    if (button) button.click();
    else A.say(t("card.unavailable"));
  }

  const KEYED = { a: "approve", d: "reject", s: "spam", n: "not_spam", c: "keep", o: "not_offensive", t: "offensive" };
  A.keys.queue = function (key) {
    const node = Q.nodes()[Q.index];
    const c = node && Q.item(Number(node.dataset.id));
    if (key === "j" || key === "k") {
      Q.index += key === "j" ? 1 : -1;
      Q.focus(true);
    } else if (KEYED[key]) decide(KEYED[key]);
    else if (key === "f") decide(c && c.featured ? "unfeature" : "feature");
    else if (key === "e" && c) A.cardEditor(c, "edit");
    else if (key === "r" && c) A.cardEditor(c, "reply");
    else if (key === "h" && c) node.querySelector(".history") ? node.querySelector(".history").click() : A.say(t("card.unavailable"));
    else if (key === "x" && node) {
      const box = node.querySelector(".pick");
      box.checked = !box.checked;
      Q.showPicked();
    } else if (key === "u") Q.undo();
    else if (key === "/") document.getElementById("search-q").focus();
    else if (/^[1-9]$/.test(key)) {
      const all = queues().flat();
      if (all[Number(key) - 1]) Q.open(all[Number(key) - 1]);
    } else return false;
    return true;
  };
})();
