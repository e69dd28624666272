/* Causerie dashboard: overview, blocks, site settings, audit log and password. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const siteQuery = () => (A.site ? "?site=" + encodeURIComponent(A.site) : "");
  const percent = (v) => (v === null || v === undefined ? "—" : Math.round(v * 100) + " %");

  A.views.overview = async function (main) {
    const data = await A.api("GET", "/overview" + siteQuery());
    const counts = Object.entries(data.counts).map(([state, n]) =>
      el("div", { class: "stat" }, el("dt", {}, t("state." + state)), el("dd", {}, String(n))));
    main.replaceChildren(
      el("h1", {}, t("overview.title")),
      el("dl", { class: "stats" }, counts),
      el("h2", {}, t("overview.filter")),
      el("dl", { class: "stats" },
        el("div", { class: "stat" }, el("dt", {}, t("overview.precision")), el("dd", { id: "precision" }, percent(data.precision))),
        el("div", { class: "stat" }, el("dt", {}, t("overview.recall")), el("dd", { id: "recall" }, percent(data.recall)))),
      el("p", {}, t("overview.explain", data.decisions)),
      el("h2", {}, t("chart.title")),
      el("figure", { class: "chart", html: data.chart_svg }));
  };

  A.views.blocks = async function (main) {
    const data = await A.api("GET", "/blocks");
    const names = A.me.sites.map((s) => s.name);
    const field = (id, label, control) => el("span", { class: "field" }, el("label", { for: id }, label), control);
    const form = el("form", { class: "block-form", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      try {
        await A.api("POST", "/blocks", { site: f.site.value, kind: f.kind.value, value: f.value.value, days: Number(f.days.value) || 0, note: f.note.value });
        A.say(t("done.block"));
        A.show("blocks");
      } catch (error) {
        A.fail(error);
      }
    } },
      field("block-site", t("block.site"), el("select", { id: "block-site", name: "site" }, names.map((n) => el("option", { value: n, selected: n === A.site }, n)))),
      field("block-kind", t("block.kind"), el("select", { id: "block-kind", name: "kind" },
        el("option", { value: "email" }, t("block.email")), el("option", { value: "ip_range" }, t("block.ip_range")))),
      field("block-value", t("block.value"), el("input", { id: "block-value", name: "value", required: true, dir: "ltr" })),
      field("block-days", t("block.days"), el("input", { id: "block-days", name: "days", type: "number", min: "0", max: "3650", value: "30" })),
      field("block-note", t("block.note"), el("input", { id: "block-note", name: "note" })),
      el("p", { id: "error", class: "error", role: "alert" }),
      el("button", { type: "submit", class: "primary" }, t("block.add")));
    const rows = data.blocks.map((b) => el("tr", {},
      el("td", { dir: "ltr" }, b.value), el("td", {}, t("block." + b.kind)),
      el("td", {}, b.expires ? A.date(b.expires) : t("block.forever")), el("td", {}, b.created_by),
      el("td", {}, el("button", { type: "button", onclick: async () => {
        try { await A.api("DELETE", "/blocks/" + b.id); A.show("blocks"); } catch (error) { A.fail(error); }
      } }, t("block.remove")))));
    main.replaceChildren(el("h1", {}, t("nav.blocks")), form,
      el("table", {}, el("caption", {}, t("block.active")),
        el("thead", {}, el("tr", {}, ["value", "kind", "until", "by", "remove"].map((h) => el("th", { scope: "col" }, t("block.col." + h))))),
        el("tbody", {}, rows)));
  };

  const SETTINGS = [
    ["moderation", "select", ["publish", "hold_first", "hold_all"]],
    ["allowed_origins", "lines"],
    ["edit_window_seconds", "number"],
    ["allow_anonymous", "checkbox"],
    ["hold_words", "lines"],
    ["reject_words", "lines"],
    ["personal_data_retention_days", "number"],
    ["spam_retention_days", "number"],
    ["discard_retention_days", "number"],
    ["unconfirmed_retention_days", "number"],
    ["who_may_comment", "select", ["anyone", "signed_in", "subscribers"]],
    ["signin_methods", "lines"],
    ["oidc_preset", "select", ["", "google", "gitlab", "microsoft", "yahoo"]],
    ["oidc_issuer", "text"],
    ["oidc_client_id", "text"],
    ["oidc_client_secret", "secret"],
    ["oidc_name", "text"],
    ["oidc_keep_email", "checkbox"],
    ["sso_secret", "secret"],
    ["sso_public_key", "pem"],
    ["sso_login_url", "text"],
  ];

  function control(name, kind, options, value) {
    const id = "set-" + name;
    if (kind === "select") return el("select", { id, name }, options.map((o) => el("option", { value: o, selected: o === value }, t("mode." + (o || "none")))));
    if (kind === "checkbox") return el("input", { id, name, type: "checkbox", checked: Boolean(value) });
    if (kind === "lines") return el("textarea", { id, name, rows: "3", dir: "auto" }, (value || []).join("\n"));
    if (kind === "pem") return el("textarea", { id, name, rows: "4", dir: "ltr" }, value || "");
    // A secret is never shown: "********" says one is set; an empty field keeps it.
    if (kind === "secret") return el("input", { id, name, type: "password", autocomplete: "off", placeholder: value || "" });
    if (kind === "text") return el("input", { id, name, type: "text", dir: "ltr", value: value || "" });
    return el("input", { id, name, type: "number", min: "0", value: String(value ?? "") });
  }

  function read(form) {
    const out = {};
    for (const [name, kind] of SETTINGS) {
      const input = form.elements[name];
      if (!input) continue;
      if (kind === "checkbox") out[name] = input.checked;
      else if (kind === "lines") out[name] = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
      else if (kind === "number") out[name] = Number(input.value);
      else if (kind === "secret") { if (input.value) out[name] = input.value; }
      else out[name] = input.value;
    }
    return out;
  }

  A.views.settings = async function (main) {
    const parts = [el("h1", {}, t("nav.settings"))];
    if (!A.site) parts.push(el("p", {}, t("settings.pick_site")));
    else {
      const path = "/sites/" + encodeURIComponent(A.site) + "/settings";
      const data = await A.api("GET", path);
      const fields = SETTINGS.filter(([name]) => data[name] !== null && data[name] !== undefined).map(([name, kind, options]) =>
        el("div", { class: "field" + (kind === "checkbox" ? " check" : "") },
          el("label", { for: "set-" + name }, t("settings." + name)), control(name, kind, options, data[name])));
      parts.push(el("form", { class: "settings", onsubmit: async (e) => {
        e.preventDefault();
        try {
          await A.api("PUT", path, read(e.target));
          A.say(t("done.settings"));
        } catch (error) {
          A.fail(error);
        }
      } }, el("h2", {}, A.site), fields, el("p", { id: "error", class: "error", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, t("settings.save"))));
    }
    parts.push(passwordForm());
    main.replaceChildren(...parts);
  };

  function passwordForm() {
    return el("form", { class: "settings", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      try {
        await A.api("POST", "/password", { current: f.current.value, new: f.new_password.value });
        A.say(t("done.password"));
        A.me = null;
        A.showLogin();
      } catch (error) {
        A.fail(error);
      }
    } }, el("h2", {}, t("password.title")),
      el("div", { class: "field" }, el("label", { for: "pw-current" }, t("password.current")),
        el("input", { id: "pw-current", name: "current", type: "password", autocomplete: "current-password", required: true })),
      el("div", { class: "field" }, el("label", { for: "pw-new" }, t("password.new")),
        el("input", { id: "pw-new", name: "new_password", type: "password", autocomplete: "new-password", minlength: "10", required: true })),
      el("button", { type: "submit" }, t("password.save")));
  }

  A.views.audit = async function (main) {
    const data = await A.api("GET", "/audit");
    const rows = data.entries.map((e) => el("tr", {},
      el("td", {}, A.date(e.created)), el("td", {}, e.actor), el("td", {}, e.site || ""),
      el("td", {}, t("audit.action." + e.action) + (e.undone ? " (" + t("audit.undone") + ")" : "")),
      el("td", {}, e.comment_id ? "#" + e.comment_id : "")));
    main.replaceChildren(el("h1", {}, t("nav.audit")),
      el("table", {}, el("caption", {}, t("audit.caption")),
        el("thead", {}, el("tr", {}, ["when", "who", "site", "what", "comment"].map((h) => el("th", { scope: "col" }, t("audit.col." + h))))),
        el("tbody", {}, rows)));
  };
})();
