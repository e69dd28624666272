/* Causerie moderation dashboard: session, navigation and the queue (plain JS, no build). */
"use strict";

const A = (window.CauserieAdmin = {
  text: JSON.parse(document.getElementById("admin-strings").textContent),
  lang: document.documentElement.lang,
  me: null,
  site: "",
  views: {},
});

A.t = function (key, params) {
  let s = A.text["admin." + key] || key;
  for (const [k, v] of Object.entries(params || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
};

/* Small DOM builder: el("button", {class: "x", onclick: f}, "text", child…). */
A.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "html") node.innerHTML = v; /* server-sanitized comment HTML or server SVG */
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
};

/* Links a reader chose (thread URIs, links in comments) neither learn the dashboard's
   address nor get a handle on its window. */
A.READER_REL = "nofollow ugc noopener noreferrer";

A.readerHtml = function (html) {
  const node = A.el("div", { class: "text", dir: "auto", html }); /* server-sanitized */
  for (const a of node.querySelectorAll("a")) a.setAttribute("rel", A.READER_REL);
  return node;
};

A.say = function (message) {
  const status = document.getElementById("status");
  status.textContent = "";
  setTimeout(() => (status.textContent = message), 30);
};

A.api = async function (method, path, body) {
  const headers = { Accept: "application/json", "Accept-Language": A.lang };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && A.me) headers["X-CSRF-Token"] = A.me.csrf;
  /* data-busy counts requests in flight (tests and styles can wait for 0). */
  const busy = (delta) => (document.body.dataset.busy = String(Number(document.body.dataset.busy || 0) + delta));
  busy(1);
  let res, data;
  try {
    res = await fetch("/api/admin" + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    data = await res.json().catch(() => ({}));
  } finally {
    busy(-1);
  }
  if (res.status === 401 && path !== "/login") {
    A.me = null;
    A.showLogin();
  }
  if (!res.ok) {
    const error = new Error(data.message || res.statusText);
    error.code = data.error;
    throw error;
  }
  return data;
};

A.fail = function (error) {
  A.say(error.message);
  const box = document.getElementById("error");
  if (box) box.textContent = error.message;
};

A.date = function (iso) {
  if (!iso) return "";
  const locale = A.lang === "ar" ? "ar-u-nu-latn" : A.lang;
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
};

/* -- login ---------------------------------------------------------------- */

A.showLogin = function () {
  document.getElementById("top").hidden = true;
  const email = A.el("input", { id: "email", type: "email", name: "email", autocomplete: "username", required: true });
  const password = A.el("input", { id: "password", type: "password", name: "password", autocomplete: "current-password", required: true });
  const form = A.el(
    "form",
    { class: "login", onsubmit: (e) => A.login(e, email.value, password.value) },
    A.el("h1", {}, A.t("login.title")),
    A.el("label", { for: "email" }, A.t("login.email")),
    email,
    A.el("label", { for: "password" }, A.t("login.password")),
    password,
    A.el("p", { id: "error", class: "error", role: "alert" }),
    A.el("button", { type: "submit", class: "primary" }, A.t("login.submit")),
    A.langLinks()
  );
  document.getElementById("main").replaceChildren(form);
  email.focus();
};

A.login = async function (event, email, password) {
  event.preventDefault();
  try {
    A.me = await A.api("POST", "/login", { email, password });
    A.start();
  } catch (error) {
    A.fail(error);
  }
};

A.langLinks = function () {
  const names = { fr: "Français", en: "English", ar: "العربية" };
  return A.el(
    "nav",
    { class: "langs", "aria-label": A.t("nav.language") },
    Object.entries(names).map(([code, name]) =>
      A.el("a", { href: "/admin?lang=" + code, lang: code, "aria-current": code === A.lang ? "true" : null }, name)
    )
  );
};

/* -- frame: header, site picker, navigation ---------------------------------- */

A.start = function () {
  const top = document.getElementById("top");
  const sites = A.el(
    "select",
    { id: "site", onchange: (e) => { A.site = e.target.value; A.show(A.current); } },
    A.el("option", { value: "" }, A.t("nav.all_sites")),
    A.me.sites.map((s) => A.el("option", { value: s.name, selected: s.name === A.site }, s.title || s.name))
  );
  /* A link from an alert mail names the site (?site=…): open the dashboard on it. */
  const wanted = new URLSearchParams(location.search).get("site");
  if (wanted && A.me.sites.some((s) => s.name === wanted)) A.site = wanted;
  const names = ["queue", "overview", "blocks", "settings", "audit", "notifications"];
  if (A.me.role === "admin") names.push("imports");
  const tabs = names.map((name) =>
    A.el("button", { type: "button", "data-view": name, onclick: () => A.show(name) }, A.t("nav." + name))
  );
  top.replaceChildren(
    A.el("p", { class: "brand" }, "Causerie · " + A.t("title")),
    A.el("nav", { "aria-label": A.t("nav.sections"), class: "tabs" }, tabs),
    A.el("label", { for: "site", class: "site-label" }, A.t("nav.site")),
    sites,
    A.el("span", { class: "who" }, A.me.email),
    A.el("button", { type: "button", onclick: A.logout }, A.t("nav.logout")),
    A.langLinks()
  );
  top.hidden = false;
  A.show("queue");
};

A.logout = async function () {
  try {
    await A.api("POST", "/logout");
  } finally {
    A.me = null;
    A.showLogin();
  }
};

A.show = function (name) {
  A.current = name;
  for (const b of document.querySelectorAll("[data-view]"))
    b.setAttribute("aria-current", b.dataset.view === name ? "page" : "false");
  const main = document.getElementById("main");
  main.replaceChildren(A.el("p", {}, A.t("loading")));
  A.views[name](main).catch(A.fail);
};

/* -- the queue ------------------------------------------------------------- */

const Q = (A.queue = { state: "pending", offset: 0, limit: 50, items: [], index: 0, search: {} });
const LEAVES = { approve: "approved", not_spam: "approved", spam: "spam", delete: "deleted" };

A.views.queue = async function (main) {
  const params = new URLSearchParams({ state: Q.state, limit: Q.limit, offset: Q.offset });
  if (A.site) params.set("site", A.site);
  for (const [k, v] of Object.entries(Q.search)) if (v) params.set(k, v);
  const data = await A.api("GET", "/comments?" + params);
  Q.items = data.comments;
  Q.total = data.total;
  Q.index = Math.min(Q.index, Math.max(0, Q.items.length - 1));
  main.replaceChildren(
    A.el("h1", {}, A.t("queue.title")),
    A.el("nav", { class: "states", "aria-label": A.t("queue.states") },
      ["pending", "spam", "approved", "deleted"].map((s) =>
        A.el("button", { type: "button", "aria-pressed": String(s === Q.state), onclick: () => { Q.state = s; Q.offset = 0; Q.index = 0; A.show("queue"); } }, A.t("state." + s))
      )),
    Q.searchForm(),
    A.el("p", { class: "keys" }, A.t("queue.keys")),
    Q.bulkBar(),
    A.el("p", { id: "count" }, A.t("queue.count", { count: Q.total })),
    A.el("ol", { id: "queue", class: "queue", "aria-label": A.t("state." + Q.state) }, Q.items.map(Q.render)),
    Q.pager()
  );
  Q.focus(false);
};

Q.searchForm = function () {
  const fields = ["q", "author", "email", "ip"].map((name) =>
    A.el("span", { class: "field" },
      A.el("label", { for: "search-" + name }, A.t("search." + name)),
      A.el("input", { id: "search-" + name, name, type: "search", value: Q.search[name] || "" }))
  );
  return A.el("form", { class: "search", role: "search", onsubmit: (e) => {
    e.preventDefault();
    for (const name of ["q", "author", "email", "ip"]) Q.search[name] = e.target.elements[name].value.trim();
    Q.offset = 0;
    A.show("queue");
  } }, fields, A.el("button", { type: "submit" }, A.t("search.submit")));
};

Q.bulkBar = function () {
  const act = (action) => () => Q.act(action, Q.selected());
  return A.el("div", { class: "bulk", role: "group", "aria-label": A.t("bulk.label") },
    A.el("button", { type: "button", onclick: () => Q.selectAll() }, A.t("bulk.select_all")),
    ["approve", "spam", "not_spam", "delete"].map((a) => A.el("button", { type: "button", onclick: act(a) }, A.t("bulk." + a))),
    A.el("button", { type: "button", onclick: () => Q.undo() }, A.t("action.undo")));
};

Q.pager = function () {
  const prev = Q.offset > 0;
  const next = Q.offset + Q.items.length < Q.total;
  const go = (delta) => () => { Q.offset = Math.max(0, Q.offset + delta); Q.index = 0; A.show("queue"); };
  return A.el("nav", { class: "pager", "aria-label": A.t("queue.pages") },
    A.el("button", { type: "button", disabled: !prev, onclick: go(-Q.limit) }, A.t("queue.previous")),
    A.el("button", { type: "button", disabled: !next, onclick: go(Q.limit) }, A.t("queue.next")));
};

Q.render = function (c) {
  const button = (action, label) => A.el("button", { type: "button", onclick: () => Q.act(action, [c.id]) }, label || A.t("action." + action));
  const reasons = c.reasons.length
    ? A.el("ul", { class: "reasons", "aria-label": A.t("comment.reasons") }, c.reasons.map((r) => A.el("li", {}, r.text)))
    : null;
  const id = "c" + c.id;
  return A.el("li", { id, class: "comment", tabindex: "-1", "data-id": c.id, "aria-labelledby": id + "-who" },
    A.el("div", { class: "meta" },
      A.el("input", { type: "checkbox", class: "pick", "aria-label": A.t("comment.select", { author: c.author }), onchange: () => {} }),
      A.el("strong", { id: id + "-who" }, c.author || A.t("comment.anonymous")),
      c.by_site ? A.el("span", { class: "badge" }, A.t("comment.by_site")) : null,
      c.identity_id ? A.el("span", { class: "badge" }, A.t("comment.verified")) : null,
      c.pinned ? A.el("span", { class: "badge" }, A.t("comment.pinned")) : null,
      A.el("span", {}, c.email || ""),
      A.el("span", { dir: "ltr" }, c.ip_prefix || ""),
      A.el("time", { datetime: c.created }, A.date(c.created)),
      A.el("a", { href: c.uri, dir: "ltr", rel: A.READER_REL }, c.site + " " + c.uri)),
    c.spam_verdict !== "ham" || c.state === "spam"
      ? A.el("p", { class: "score" }, A.t("comment.score", { score: Math.round(c.spam_score * 100) }))
      : null,
    reasons,
    A.readerHtml(c.html),
    A.el("div", { class: "actions" },
      c.state !== "approved" ? button("approve") : null,
      c.state !== "spam" ? button("spam") : button("not_spam"),
      c.state !== "deleted" ? button("delete") : null,
      button(c.pinned ? "unpin" : "pin"),
      A.el("button", { type: "button", onclick: () => Q.editor(c, "edit") }, A.t("action.edit")),
      A.el("button", { type: "button", onclick: () => Q.editor(c, "reply") }, A.t("action.reply")),
      c.email ? A.el("button", { type: "button", onclick: () => Q.block(c, "email") }, A.t("action.block_email")) : null,
      c.ip_prefix ? A.el("button", { type: "button", onclick: () => Q.block(c, "ip_range") }, A.t("action.block_ip")) : null,
      c.identity_id ? A.el("button", { type: "button", onclick: (e) => Q.reader(c, e.target) }, A.t("action.reader")) : null,
      c.identity_id ? A.el("button", { type: "button", onclick: () => Q.blockReader(c) }, A.t("action.block_reader")) : null,
      A.el("button", { type: "button", onclick: () => Q.close(c) }, A.t(c.thread_closed ? "action.open_thread" : "action.close_thread"))));
};

Q.nodes = () => Array.from(document.querySelectorAll("#queue > li"));
Q.selected = function () {
  const picked = Q.nodes().filter((n) => n.querySelector(".pick").checked).map((n) => Number(n.dataset.id));
  if (picked.length) return picked;
  const current = Q.nodes()[Q.index];
  return current ? [Number(current.dataset.id)] : [];
};
Q.selectAll = function () {
  const boxes = Q.nodes().map((n) => n.querySelector(".pick"));
  const all = boxes.every((b) => b.checked);
  for (const b of boxes) b.checked = !all;
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
  const leaves = LEAVES[action] && LEAVES[action] !== Q.state;
  if (leaves) {
    /* Take the items out at once, so a fast second key press acts on the next comment. */
    for (const n of Q.nodes()) if (ids.includes(Number(n.dataset.id))) n.remove();
    Q.total -= ids.length;
    document.getElementById("count").textContent = A.t("queue.count", { count: Q.total });
    Q.focus(true);
  }
  try {
    await A.api("POST", "/comments/action", { action, ids });
    A.say(A.t("done." + action, { count: ids.length }));
    if (!leaves || !Q.nodes().length) A.show("queue");
  } catch (error) {
    A.fail(error);
    A.show("queue");
  }
};

Q.undo = async function () {
  try {
    await A.api("POST", "/undo");
    A.say(A.t("done.undo"));
    A.show("queue");
  } catch (error) {
    A.fail(error);
  }
};

Q.editor = function (c, mode) {
  const node = document.getElementById("c" + c.id);
  const area = A.el("textarea", { id: "editor-" + c.id, rows: "4" }, mode === "edit" ? c.text : "");
  const save = async (e) => {
    e.preventDefault();
    try {
      if (mode === "edit") await A.api("PATCH", "/comments/" + c.id, { text: area.value });
      else await A.api("POST", "/comments/" + c.id + "/reply", { text: area.value });
      A.say(A.t("done." + mode));
      A.show("queue");
    } catch (error) {
      A.fail(error);
    }
  };
  const form = A.el("form", { class: "editor", onsubmit: save },
    A.el("label", { for: "editor-" + c.id }, A.t(mode === "edit" ? "editor.edit" : "editor.reply")),
    area, A.el("button", { type: "submit", class: "primary" }, A.t("editor.save")),
    A.el("button", { type: "button", onclick: () => form.remove() }, A.t("editor.cancel")));
  node.append(form);
  area.focus();
};

Q.block = async function (c, by) {
  const days = window.prompt(A.t("block.days_prompt"), "30");
  if (days === null) return;
  try {
    await A.api("POST", "/comments/" + c.id + "/block", { by, days: Number(days) || 0 });
    A.say(A.t("done.block"));
  } catch (error) {
    A.fail(error);
  }
};

/* A signed-in reader: her other comments on the site, listed under this one. */
Q.reader = async function (c, button) {
  try {
    const data = await A.api("GET", "/readers/" + c.identity_id);
    const list = A.el("ul", { class: "reader", "aria-label": A.t("reader.comments", { name: data.reader.name }) },
      data.comments.map((o) => A.el("li", {}, A.el("time", { datetime: o.created }, A.date(o.created)), " ", A.t("state." + o.state), " — ", o.text)));
    button.closest(".comment").querySelector(".reader")?.remove();
    button.closest(".actions").after(list);
  } catch (error) {
    A.fail(error);
  }
};

Q.blockReader = async function (c) {
  try {
    await A.api("PUT", "/readers/" + c.identity_id + "/block", { blocked: true });
    A.say(A.t("done.block"));
  } catch (error) {
    A.fail(error);
  }
};

Q.close = async function (c) {
  try {
    await A.api("POST", "/threads/" + c.thread_id + "/close", { closed: !c.thread_closed });
    A.say(A.t(c.thread_closed ? "done.open" : "done.close"));
    A.show("queue");
  } catch (error) {
    A.fail(error);
  }
};

/* Keyboard: j/k move, a approve, s spam, n not spam, d delete, x select, u undo, / search. */
document.addEventListener("keydown", (event) => {
  if (!A.me || A.current !== "queue" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const keys = { a: "approve", s: "spam", n: "not_spam", d: "delete" };
  if (event.key === "j" || event.key === "k") {
    Q.index += event.key === "j" ? 1 : -1;
    Q.focus(true);
  } else if (keys[event.key]) {
    Q.act(keys[event.key], Q.selected());
  } else if (event.key === "x") {
    const node = Q.nodes()[Q.index];
    if (node) node.querySelector(".pick").checked = !node.querySelector(".pick").checked;
  } else if (event.key === "u") {
    Q.undo();
  } else if (event.key === "/") {
    document.getElementById("search-q").focus();
  } else {
    return;
  }
  event.preventDefault();
});

document.addEventListener("DOMContentLoaded", async () => {
  try {
    A.me = await A.api("GET", "/me");
    A.start();
  } catch (error) {
    if (!A.me) A.showLogin();
  }
});
