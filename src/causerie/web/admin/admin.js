/* Causerie moderation desk, the core: strings, DOM builder, API calls, dates, dialogs,
   keyboard and the login form. The other admin-*.js files add views to it (plain JS, no build). */
"use strict";

const A = (window.CauserieAdmin = {
  text: JSON.parse(document.getElementById("admin-strings").textContent),
  lang: document.documentElement.lang,
  me: null,
  site: "",
  views: {},
  keys: {}, /* view name → function(event) returning true when it used the key */
  shortcuts: [], /* [group, keys, text key] shown by the help overlay */
});
/* Latin digits in Arabic, as Moroccan and Maghreb newsrooms write them. */
A.locale = A.lang === "ar" ? "ar-u-nu-latn" : A.lang;

A.t = function (key, params) {
  let s = A.text["admin." + key] || key;
  for (const [k, v] of Object.entries(params || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
};

/* A message with a number: "key.one", "key.other"… by the language's plural rules
   (Arabic has six forms), falling back to "key". */
const PLURALS = new Intl.PluralRules(A.locale);
A.tn = function (key, count, params) {
  const form = key + "." + PLURALS.select(count);
  return A.t(A.text["admin." + form] ? form : key, { count: A.number(count), ...params });
};
const NUMBERS = new Intl.NumberFormat(A.locale);
A.number = (n) => NUMBERS.format(n);

/* Small DOM builder: el("button", {class: "x", onclick: f}, "text", child…). */
A.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "html") node.innerHTML = v; /* server-sanitized comment HTML or server SVG */
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
};

/* Append children, skipping the empty ones (null, undefined, false) as el() does. */
A.put = function (node, ...children) {
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};

/* A control's visible words, then what it acts on for screen readers only: the name
   still begins with what is seen (WCAG 2.5.3), and ten "Rules" buttons are told apart. */
A.named = (visible, context) => [visible, A.el("span", { class: "visually-hidden" }, " — " + context)];

/* A button that names its shortcut: the key is shown, and announced once by
   aria-keyshortcuts, not read again as part of the button's name. */
A.button = function (label, key, onclick, attrs) {
  return A.el("button", { type: "button", onclick, "aria-keyshortcuts": key || null, ...attrs },
    label, key ? A.el("kbd", { "aria-hidden": "true" }, key) : null);
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
  /* The form that failed: the open dialog's, else the page's. */
  const box = document.querySelector("dialog[open] .error") || document.getElementById("error");
  if (box) box.textContent = error.message;
};

/* -- dates, in the moderator's language ("7 déc., 14:02"; Arabic month names) ------ */

const FORMATS = {
  short: new Intl.DateTimeFormat(A.locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }),
  year: new Intl.DateTimeFormat(A.locale, { day: "numeric", month: "short", year: "numeric" }),
  day: new Intl.DateTimeFormat(A.locale, { day: "numeric", month: "short" }),
  full: new Intl.DateTimeFormat(A.locale, { dateStyle: "full", timeStyle: "short" }),
};

A.date = function (iso) {
  if (!iso) return "";
  const when = new Date(iso);
  return (when.getFullYear() === new Date().getFullYear() ? FORMATS.short : FORMATS.year).format(when);
};
A.day = (iso) => (iso ? FORMATS.day.format(new Date(iso)) : "");
/* A <time> showing the short date, the full one on hover. */
A.time = (iso) => A.el("time", { datetime: iso, title: iso ? FORMATS.full.format(new Date(iso)) : null }, A.date(iso));

/* -- dialogs: modal, labelled, focus kept inside, Escape closes, focus returns ------- */

A.dialog = function (title, body, options) {
  const opener = document.activeElement;
  const id = "dlg-" + Math.random().toString(36).slice(2, 8);
  const close = A.el("button", { type: "button", class: "close", "aria-label": A.t("desk.close") }, "×");
  const dialog = A.el("dialog", { class: "dialog " + ((options && options.kind) || ""), "aria-labelledby": id },
    A.el("div", { class: "dialog-head" }, A.el("h2", { id }, title), close),
    A.el("div", { class: "dialog-body" }, body));
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const focusable = Array.from(dialog.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex='0']"))
      .filter((n) => !n.disabled && n.offsetParent !== null);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
    else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (options && options.onclose) options.onclose();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  const start = (options && options.focus && dialog.querySelector(options.focus)) || close;
  start.focus();
  return dialog;
};

/* -- keyboard: "?" everywhere, the rest by the view on screen ------------------------ */

/* The key as the shortcuts name it, whatever the layout: on an Arabic keyboard the key
   marked A types "ش" and Shift+/ types "؟"; the physical key is what counts then. */
A.keyName = function (event) {
  const key = event.key;
  if (key === "؟") return "?";
  if (key.length === 1 && key >= " " && key <= "~") return key;
  const letter = /^Key([A-Z])$/.exec(event.code || "");
  if (letter) return event.shiftKey ? letter[1] : letter[1].toLowerCase();
  const digit = /^Digit([0-9])$/.exec(event.code || "");
  if (digit) return digit[1];
  if (event.code === "Slash") return event.shiftKey ? "?" : "/";
  return key;
};

document.addEventListener("keydown", (event) => {
  if (!A.me || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) return;
  const key = A.keyName(event);
  if (key === "?") A.help();
  else if (!(A.keys[A.current] && A.keys[A.current](key, event))) return;
  event.preventDefault();
});

/* -- login ---------------------------------------------------------------------------- */

A.showLogin = function () {
  document.getElementById("top").hidden = true;
  document.getElementById("nav").hidden = true;
  document.body.classList.remove("signed-in");
  const email = A.el("input", { id: "email", type: "email", name: "email", autocomplete: "username", required: true });
  const password = A.el("input", { id: "password", type: "password", name: "password", autocomplete: "current-password", required: true });
  const form = A.el(
    "form",
    { class: "login", onsubmit: (e) => A.login(e, email.value, password.value) },
    A.el("p", { class: "brand" }, "Causerie"),
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
  const here = (code) => "/admin?lang=" + code + (A.site ? "&site=" + encodeURIComponent(A.site) : "") + location.hash;
  return A.el(
    "nav",
    { class: "langs", "aria-label": A.t("nav.language") },
    Object.entries(names).map(([code, name]) =>
      A.el("a", { href: here(code), lang: code, hreflang: code, "aria-current": code === A.lang ? "true" : null }, name)
    )
  );
};

/* The page says who is signed in (what GET /me answers), or null: then the login. */
document.addEventListener("DOMContentLoaded", () => {
  A.me = JSON.parse(document.getElementById("admin-me").textContent);
  if (A.me) A.start();
  else A.showLogin();
});
