/* Causerie moderation desk: the frame — header, grouped navigation (a side bar on a
   desk, a menu on a phone), the address bar (#/view/arg), live queue counts, help. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  /* Sections, grouped; "imports" is for admins only. */
  const NAV = [
    ["moderate", ["queue", "threads", "overview"]],
    ["site", ["settings", "blocks", "notifications"]],
    ["history", ["audit", "imports"]],
  ];
  /* Queues that wait for a human: their sum is the badge on "Queue". */
  A.WAITING = ["pending", "reported", "toxic"];
  const POLL_MS = 30000;
  let renderId = 0;

  A.shortcuts.push(["everywhere", "?", "help.help"], ["everywhere", "Esc", "help.escape"]);

  A.start = function () {
    /* A link from an alert mail names the site (?site=…): open the desk on it. */
    const wanted = new URLSearchParams(location.search).get("site");
    if (wanted && A.me.sites.some((s) => s.name === wanted)) A.site = wanted;
    else if (A.me.sites.length === 1) A.site = A.me.sites[0].name;
    document.body.classList.add("signed-in");
    frame();
    /* The queue to open first depends on the counts; any other view need not wait. */
    const [name, arg] = parse();
    const counting = A.refreshCounts();
    if (name === "queue" && !arg) counting.finally(route);
    else route();
    clearInterval(A.poller);
    A.poller = setInterval(() => document.visibilityState === "visible" && A.me && A.refreshCounts(), POLL_MS);
  };
  /* Back to the tab after a while: the counts are brought up to date at once. */
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && A.me && A.refreshCounts());

  function frame() {
    const top = document.getElementById("top");
    const nav = document.getElementById("nav");
    const menu = el("button", { type: "button", class: "menu", "aria-expanded": "false", "aria-controls": "nav",
      onclick: () => toggleMenu() }, el("span", { class: "burger", "aria-hidden": "true" }), t("desk.menu"));
    const sites = el(
      "select",
      { id: "site", onchange: (e) => { A.site = e.target.value; keepSiteInAddress(); A.refreshCounts(); A.show(A.current, A.arg); } },
      A.me.sites.length > 1 ? el("option", { value: "" }, t("nav.all_sites")) : null,
      A.me.sites.map((s) => el("option", { value: s.name, selected: s.name === A.site }, s.title || s.name))
    );
    top.replaceChildren(
      menu,
      el("p", { class: "brand" }, el("span", { class: "brand-name" }, "Causerie"), " ", el("span", { class: "brand-desk" }, t("title"))),
      el("div", { class: "site-pick" }, el("label", { for: "site" }, t("nav.site")), sites),
      A.button(t("help.open"), "?", () => A.help(), { class: "help-open" })
    );
    const groups = NAV.map(([group, names]) => {
      const shown = names.filter((n) => n !== "imports" || A.me.role === "admin");
      return el("div", { class: "nav-group" },
        el("h2", { id: "nav-" + group }, t("nav.group." + group)),
        el("ul", { "aria-labelledby": "nav-" + group }, shown.map((name) => el("li", {},
          el("a", { href: "#/" + name, "data-view": name, onclick: (e) => follow(e, name) },
            el("span", { class: "label" }, t("nav." + name)),
            name === "queue" ? el("span", { class: "count", id: "nav-count", hidden: true }) : null)))));
    });
    nav.replaceChildren(
      ...groups,
      el("div", { class: "nav-group account" },
        el("h2", { id: "nav-account" }, t("nav.group.account")),
        el("p", { class: "who", title: A.me.email }, A.me.email),
        el("button", { type: "button", onclick: A.logout }, t("nav.logout")),
        A.langLinks()));
    nav.setAttribute("aria-label", t("nav.sections"));
    top.hidden = false;
    nav.hidden = false;
  }

  function toggleMenu(open) {
    const button = document.querySelector(".top .menu");
    const next = open === undefined ? button.getAttribute("aria-expanded") !== "true" : open;
    button.setAttribute("aria-expanded", String(next));
    document.getElementById("nav").classList.toggle("open", next);
  }
  document.addEventListener("keydown", (e) => {
    const nav = document.getElementById("nav");
    if (e.key === "Escape" && nav && nav.classList.contains("open")) {
      toggleMenu(false);
      document.querySelector(".top .menu").focus();
    }
  });

  /* A plain click on a section: show it (again, even if it is already shown). */
  function follow(event, name) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    toggleMenu(false);
    A.navigate(name);
  }

  A.logout = async function () {
    try {
      await A.api("POST", "/logout");
    } finally {
      clearInterval(A.poller);
      A.me = null;
      A.showLogin();
    }
  };

  function keepSiteInAddress() {
    const url = new URL(location.href);
    if (A.site) url.searchParams.set("site", A.site);
    else url.searchParams.delete("site");
    history.replaceState(null, "", url);
  }

  /* -- address and views ------------------------------------------------------------- */

  function parse() {
    const [name, arg] = location.hash.replace(/^#\/?/, "").split("/");
    return A.views[name] ? [name, arg ? decodeURIComponent(arg) : undefined] : ["queue", undefined];
  }

  function route() {
    const [name, arg] = parse();
    A.show(name, arg);
  }
  window.addEventListener("hashchange", () => A.me && route());

  /* Show a view the moderator asked for: a new entry in the history, focus on it. */
  A.navigate = function (name, arg) {
    const hash = "#/" + name + (arg ? "/" + encodeURIComponent(arg) : "");
    if (location.hash !== hash) history.pushState(null, "", hash);
    return A.show(name, arg, true);
  };

  /* Render a view (again); the old content stays until the new one is ready. */
  A.show = async function (name, arg, focus) {
    const id = ++renderId;
    const again = A.current === name;
    A.current = name;
    A.arg = arg;
    history.replaceState(null, "", "#/" + name + (arg ? "/" + encodeURIComponent(arg) : ""));
    for (const a of document.querySelectorAll("#nav [data-view]")) {
      if (a.dataset.view === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    const main = document.getElementById("main");
    main.setAttribute("aria-busy", "true");
    const box = el("div", { class: "view view-" + name });
    let ready;
    try {
      ready = await A.views[name](box, arg);
    } catch (error) {
      if (id === renderId) A.fail(error);
      return;
    } finally {
      if (id === renderId) main.removeAttribute("aria-busy");
    }
    if (id !== renderId) return; /* the moderator has moved on meanwhile */
    const scroll = window.scrollY;
    main.replaceChildren(box);
    /* What is on screen, as an address (tests wait for it; CSS may use it). */
    main.dataset.shown = "#/" + name + (arg ? "/" + arg : "");
    document.title = t("nav." + name) + " · " + t("title") + " · Causerie";
    if (again && !focus) window.scrollTo(0, scroll);
    if (typeof ready === "function") ready();
    if (focus) (main.querySelector("h1") || main).focus();
  };

  /* -- live counts ---------------------------------------------------------------------- */

  A.counts = null;
  A.countListeners = [];
  A.refreshCounts = async function () {
    try {
      const data = await A.api("GET", "/queues" + (A.site ? "?site=" + encodeURIComponent(A.site) : ""));
      A.counts = data.counts;
      A.firstQueue = data.first;
    } catch (error) {
      return; /* a failed poll keeps the last counts; the next one tries again */
    }
    const waiting = A.WAITING.reduce((sum, q) => sum + (A.counts[q] || 0), 0);
    const badge = document.getElementById("nav-count");
    if (badge) {
      badge.hidden = waiting === 0;
      badge.textContent = A.number(waiting);
      badge.setAttribute("aria-label", A.tn("nav.waiting", waiting));
    }
    for (const listener of A.countListeners) listener(A.counts);
  };

  /* -- help: every shortcut, in a dialog ------------------------------------------------ */

  A.help = function () {
    if (document.querySelector("dialog.help")) return;
    const groups = {};
    for (const [group, keys, text] of A.shortcuts) (groups[group] = groups[group] || []).push([keys, text]);
    const body = Object.entries(groups).map(([group, rows]) => el("section", {},
      el("h3", {}, t("help.group." + group)),
      el("dl", { class: "keys" }, rows.map(([keys, text]) => el("div", {},
        el("dt", {}, keys.split(" ").map((k) => el("kbd", {}, k))),
        el("dd", {}, t(text)))))));
    A.dialog(t("help.title"), body, { kind: "help" });
  };
})();
