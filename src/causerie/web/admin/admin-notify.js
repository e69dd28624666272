/* Causerie dashboard: notifications — one's alerts, the site's webhooks, failed deliveries. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const field = (id, label, control) => el("div", { class: "field" }, el("label", { for: id }, label), control);
  const check = (id, name, label, checked) =>
    el("div", { class: "field check" }, el("input", { id, name, type: "checkbox", checked: Boolean(checked) }), el("label", { for: id }, label));

  function alertForm(a) {
    const id = (name) => "alert-" + a.site + "-" + name;
    return el("form", { class: "settings alerts", "data-site": a.site, onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      try {
        await A.api("PUT", "/sites/" + encodeURIComponent(a.site) + "/alerts", {
          mode: f.mode.value, digest_minutes: Number(f.digest_minutes.value) || 60,
          quiet_start: f.quiet_start.value, quiet_end: f.quiet_end.value,
          timezone: f.timezone.value.trim() || "UTC", lang: f.lang.value });
        A.say(t("done.alerts"));
      } catch (error) {
        A.fail(error);
      }
    } },
      el("h3", {}, a.site),
      field(id("mode"), t("alerts.mode"), el("select", { id: id("mode"), name: "mode" },
        ["off", "each", "digest"].map((m) => el("option", { value: m, selected: m === a.mode }, t("alerts.mode." + m))))),
      field(id("digest"), t("alerts.digest_minutes"), el("input", { id: id("digest"), name: "digest_minutes", type: "number", min: "5", max: "1440", value: String(a.digest_minutes) })),
      field(id("qs"), t("alerts.quiet_start"), el("input", { id: id("qs"), name: "quiet_start", type: "time", value: a.quiet_start })),
      field(id("qe"), t("alerts.quiet_end"), el("input", { id: id("qe"), name: "quiet_end", type: "time", value: a.quiet_end })),
      field(id("tz"), t("alerts.timezone"), el("input", { id: id("tz"), name: "timezone", dir: "ltr", value: a.timezone })),
      field(id("lang"), t("alerts.lang"), el("select", { id: id("lang"), name: "lang" },
        ["fr", "en", "ar"].map((l) => el("option", { value: l, selected: l === a.lang }, t("alerts.lang." + l))))),
      el("button", { type: "submit" }, t("alerts.save")));
  }

  function deliveryRows(list) {
    return list.map((d) => el("tr", {},
      el("td", {}, A.date(d.created)), el("td", {}, d.type || d.channel), el("td", {}, t("delivery.state." + d.state)),
      el("td", {}, String(d.attempts)), el("td", {}, d.status === null ? "—" : String(d.status)),
      el("td", {}, d.duration_ms === null ? "—" : Math.round(d.duration_ms) + " ms"),
      el("td", { dir: "auto" }, d.error || "")));
  }

  function deliveryTable(caption, list) {
    return el("table", { class: "deliveries" }, el("caption", {}, caption),
      el("thead", {}, el("tr", {}, ["when", "what", "state", "attempts", "status", "time", "error"].map((h) => el("th", { scope: "col" }, t("delivery.col." + h))))),
      el("tbody", {}, deliveryRows(list)));
  }

  function secretNotice(hook) {
    return el("p", { class: "secret", role: "alert" }, t("webhook.secret_once"), " ", el("code", { dir: "ltr" }, hook.secret));
  }

  async function webhookSection(site) {
    const path = "/sites/" + encodeURIComponent(site) + "/webhooks";
    const data = await A.api("GET", path);
    const box = el("section", { class: "webhooks" }, el("h2", {}, t("webhook.title", { site })));
    const log = el("div", { class: "log" });
    const refresh = () => A.show("notifications");
    const act = (method, url, after) => async () => {
      try { after(await A.api(method, url)); } catch (error) { A.fail(error); }
    };
    for (const h of data.webhooks) {
      const buttons = [
        el("button", { type: "button", onclick: act("POST", "/webhooks/" + h.id + "/test", () => A.say(t("done.test"))) }, t("webhook.test")),
        el("button", { type: "button", onclick: act("GET", "/webhooks/" + h.id + "/deliveries", (r) => log.replaceChildren(deliveryTable(t("webhook.log", { url: h.url }), r.deliveries))) }, t("webhook.deliveries")),
      ];
      if (data.may_change) buttons.push(
        el("button", { type: "button", onclick: act("POST", "/webhooks/" + h.id + "/rotate", (r) => log.replaceChildren(secretNotice(r))) }, t("webhook.rotate")),
        el("button", { type: "button", onclick: async () => {
          try { await A.api("PUT", "/webhooks/" + h.id, { active: !h.active }); refresh(); } catch (error) { A.fail(error); }
        } }, h.active ? t("webhook.disable") : t("webhook.enable")),
        el("button", { type: "button", onclick: act("DELETE", "/webhooks/" + h.id, refresh) }, t("webhook.delete")));
      box.append(el("article", { class: "webhook" },
        el("h3", { dir: "ltr" }, h.url),
        el("p", {}, h.events.join(", ")),
        el("p", {}, [h.active ? t("webhook.active") : t("webhook.inactive"),
          h.personal_data ? t("webhook.personal_data") : t("webhook.no_personal_data"),
          h.allow_private ? t("webhook.allow_private") : ""].filter(Boolean).join(" · ")),
        el("div", { class: "actions" }, buttons)));
    }
    if (data.may_change) box.append(el("form", { class: "settings webhook-form", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      const events = data.events.filter((name) => f["ev-" + name].checked);
      try {
        const hook = await A.api("POST", path, { url: f.url.value.trim(), events,
          personal_data: f.personal_data.checked, allow_private: f.allow_private.checked });
        log.replaceChildren(secretNotice(hook));
        A.say(t("done.webhook"));
      } catch (error) {
        A.fail(error);
      }
    } },
      el("h3", {}, t("webhook.add")),
      field("hook-url", t("webhook.url"), el("input", { id: "hook-url", name: "url", type: "url", required: true, dir: "ltr" })),
      el("fieldset", {}, el("legend", {}, t("webhook.events")),
        data.events.map((name) => check("ev-" + name, "ev-" + name, name, true))),
      check("hook-personal", "personal_data", t("webhook.personal_data_choice"), false),
      check("hook-private", "allow_private", t("webhook.allow_private_choice"), false),
      el("p", { id: "error", class: "error", role: "alert" }),
      el("button", { type: "submit", class: "primary" }, t("webhook.add"))));
    box.append(log);
    return box;
  }

  A.views.notifications = async function (main) {
    const mine = await A.api("GET", "/alerts");
    const failed = await A.api("GET", "/outbox/failures");
    const parts = [el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.notifications")))];
    parts.push(el("section", {}, el("h2", {}, t("alerts.title")),
      mine.mail ? null : el("p", {}, t("alerts.no_mail")),
      mine.alerts.map(alertForm)));
    if (A.site) parts.push(await webhookSection(A.site));
    else parts.push(el("p", {}, t("webhook.pick_site")));
    const rows = failed.failures.map((d) => el("tr", {},
      el("td", {}, A.date(d.finished || d.created)), el("td", {}, d.channel), el("td", { dir: "auto" }, d.to || d.type),
      el("td", {}, String(d.attempts)), el("td", { dir: "auto" }, d.error),
      el("td", {}, el("button", { type: "button", onclick: async () => {
        try { await A.api("POST", "/outbox/" + d.id + "/retry"); A.say(t("done.retry")); A.show("notifications"); } catch (error) { A.fail(error); }
      } }, t("failures.retry")))));
    parts.push(el("section", { class: "failures" }, el("h2", {}, t("failures.title")),
      rows.length ? el("table", {}, el("caption", {}, t("failures.caption")),
        el("thead", {}, el("tr", {}, ["when", "channel", "to", "attempts", "error", "retry"].map((h) => el("th", { scope: "col" }, t("failures.col." + h))))),
        el("tbody", {}, rows)) : el("p", {}, t("failures.none"))));
    main.replaceChildren(...parts);
  };
})();
