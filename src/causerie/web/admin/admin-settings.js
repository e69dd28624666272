/* Causerie moderation desk: a site's settings in named sections (each saved on its own),
   the sections other parts add (A.settingsSections: the spam threshold), one's password. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  /* [section, [[setting, kind, options?, label prefix for the options?], …]]; a section
     shows when the server knows at least one of its settings. */
  const SECTIONS = [
    ["moderation", [
      ["moderation", "select", ["publish", "hold_first", "hold_all"]],
      ["hold_words", "lines"],
      ["reject_words", "lines"]]],
    ["toxicity", [
      ["toxicity_policy", "select", ["off", "flag", "hold", "reject"], "option.toxicity_policy."],
      ["toxicity_threshold", "number", { min: 0, max: 99 }],
      ["toxicity_reject_threshold", "number", { min: 0, max: 100 }]]],
    ["reports", [
      ["report_threshold", "number", { min: 1, max: 100 }],
      ["report_action", "select", ["hide", "queue"], "option.report_action."]]],
    ["threads", [
      ["auto_close_days", "number", { min: 0, max: 3650 }],
      ["auto_close_from", "select", ["first_comment", "article"], "option.auto_close_from."]]],
    ["hook", [
      ["moderation_hook_url", "url"],
      ["moderation_hook_secret", "secret"],
      ["moderation_hook_timeout_ms", "number", { min: 100, max: 5000 }],
      ["moderation_hook_allow_private", "checkbox"]]],
    ["publishing", [
      ["allowed_origins", "lines"],
      ["edit_window_seconds", "number", { min: 0 }],
      ["allow_anonymous", "checkbox"]]],
    ["readers", [
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
      ["sso_login_url", "text"]]],
    ["retention", [
      ["personal_data_retention_days", "number", { min: 1, max: 3650 }],
      ["spam_retention_days", "number", { min: 1, max: 3650 }],
      ["discard_retention_days", "number", { min: 1, max: 3650 }],
      ["unconfirmed_retention_days", "number", { min: 1, max: 3650 }]]],
  ];
  /* Where the sections added by other parts go: right after moderation (the spam filter). */
  const EXTRA_AFTER = "moderation";

  function control(name, kind, options, value, prefix) {
    const id = "set-" + name;
    const hint = A.text["admin.settings.hint." + name] ? id + "-hint" : null;
    const common = { id, name, "aria-describedby": hint };
    if (kind === "select") return el("select", common, options.map((o) => el("option", { value: o, selected: o === value }, t((prefix || "mode.") + (o || "none")))));
    if (kind === "checkbox") return el("input", { ...common, type: "checkbox", checked: Boolean(value) });
    if (kind === "lines") return el("textarea", { ...common, rows: "3", dir: "auto" }, (value || []).join("\n"));
    if (kind === "pem") return el("textarea", { ...common, rows: "4", dir: "ltr" }, value || "");
    // A secret is never shown: "********" says one is set; an empty field keeps it.
    if (kind === "secret") return el("input", { ...common, type: "password", autocomplete: "off", placeholder: value || "" });
    if (kind === "text" || kind === "url") return el("input", { ...common, type: kind, dir: "ltr", value: value || "" });
    return el("input", { ...common, type: "number", min: String((options && options.min) ?? 0), max: options && options.max ? String(options.max) : null, value: String(value ?? "") });
  }

  function read(form, fields) {
    const out = {};
    for (const [name, kind] of fields) {
      const input = form.elements[name];
      if (!input) continue;
      if (kind === "checkbox") out[name] = input.checked;
      else if (kind === "lines") out[name] = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
      else if (kind === "number") out[name] = Number(input.value);
      else if (kind === "secret") { if (input.value) out[name] = input.value; }
      else out[name] = input.value.trim();
    }
    return out;
  }

  function field(name, kind, options, value, prefix) {
    const hint = A.text["admin.settings.hint." + name];
    return el("div", { class: "field" + (kind === "checkbox" ? " check" : "") },
      el("label", { for: "set-" + name }, t("settings." + name)),
      control(name, kind, options, value, prefix),
      hint ? el("p", { class: "hint", id: "set-" + name + "-hint" }, hint) : null);
  }

  function section(name, fields, data, path) {
    const shown = fields.filter(([key]) => data[key] !== null && data[key] !== undefined);
    if (!shown.length) return null;
    const error = el("p", { class: "error", role: "alert" });
    const form = el("form", { class: "settings", id: "settings-" + name, "aria-labelledby": "settings-" + name + "-title", onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      try {
        await A.api("PUT", path, read(e.target, shown));
        A.say(t("done.settings"));
      } catch (err) {
        A.say(err.message);
        error.textContent = err.message;
      }
    } },
      el("h2", { id: "settings-" + name + "-title", tabindex: "-1" }, t("settings.section." + name)),
      A.text["admin.settings.about." + name] ? el("p", { class: "about" }, t("settings.about." + name)) : null,
      shown.map(([key, kind, options, prefix]) => field(key, kind, options, data[key], prefix)),
      error,
      el("div", { class: "form-buttons" }, el("button", { type: "submit", class: "primary" }, t("settings.save_section", { section: t("settings.section." + name) })),
        name === "hook" ? hookTest() : null));
    return form;
  }

  /* Calls the site's hook with a sample comment and says what came back. */
  function hookTest() {
    const out = el("span", { class: "hook-outcome", role: "status" });
    return [el("button", { type: "button", onclick: async () => {
      out.textContent = "";
      try {
        const r = await A.api("POST", "/sites/" + encodeURIComponent(A.site) + "/moderation-hook/test");
        out.textContent = t("hook.outcome." + r.outcome) + (r.ms !== null && r.ms !== undefined ? " · " + A.number(Math.round(r.ms)) + " ms" : "") +
          (r.reason ? " · " + r.reason : "") + (r.error ? " · " + r.error : "");
      } catch (error) {
        out.textContent = error.message;
      }
    } }, t("hook.test")), out];
  }

  A.views.settings = async function (box, arg) {
    const parts = [];
    const sections = [];
    if (!A.site) parts.push(el("p", { class: "empty" }, t("settings.pick_site")));
    else {
      const path = "/sites/" + encodeURIComponent(A.site) + "/settings";
      const data = await A.api("GET", path);
      for (const [name, fields] of SECTIONS) {
        const form = section(name, fields, data, path);
        if (form) sections.push(form);
        if (name === EXTRA_AFTER) for (const extra of A.settingsSections || []) sections.push(await extra(A.site));
      }
    }
    sections.push(passwordForm());
    const titled = sections.filter((s) => s && s.querySelector("h2"));
    for (const [i, s] of titled.entries()) if (!s.id) s.id = "settings-part-" + i;
    const toc = el("nav", { class: "toc", "aria-label": t("settings.toc") }, el("ul", {}, titled.map((s) =>
      el("li", {}, el("a", { href: "#/settings/" + s.id, onclick: (e) => { e.preventDefault(); jump(s.id); } }, s.querySelector("h2").textContent)))));
    A.put(box, el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.settings")),
      A.site ? el("p", { class: "site-name" }, (A.me.sites.find((s) => s.name === A.site) || {}).title || A.site) : null),
    el("div", { class: "settings-layout" }, toc, A.put(el("div", { class: "settings-body" }), parts, sections)));
    return () => arg && jump(arg, true);
  };

  function jump(id, quiet) {
    const target = document.getElementById(id);
    if (!target) return;
    history.replaceState(null, "", "#/settings/" + id);
    target.scrollIntoView({ block: "start" });
    if (!quiet) (target.querySelector("h2") || target).focus();
  }

  function passwordForm() {
    return el("form", { class: "settings", id: "settings-account", onsubmit: async (e) => {
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
    } }, el("h2", { tabindex: "-1" }, t("password.title")),
      el("div", { class: "field" }, el("label", { for: "pw-current" }, t("password.current")),
        el("input", { id: "pw-current", name: "current", type: "password", autocomplete: "current-password", required: true })),
      el("div", { class: "field" }, el("label", { for: "pw-new" }, t("password.new")),
        el("input", { id: "pw-new", name: "new_password", type: "password", autocomplete: "new-password", minlength: "10", required: true })),
      el("p", { id: "error", class: "error", role: "alert" }),
      el("button", { type: "submit" }, t("password.save")));
  }
})();
