/* Causerie moderation desk: a reader over time, in a side panel — her comments on the
   site, her counts, and the decisions about her (suspend, ban, always pre-moderate). */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const COUNTS = ["comments", "approved", "pending", "spam", "rejected", "reported"];
  const SUSPEND_DAYS = [1, 3, 7, 30, 90];
  const EXCERPT = 220;

  A.readerPanel = async function (site, key, name) {
    const path = "/sites/" + encodeURIComponent(site) + "/readers/" + encodeURIComponent(key);
    let data;
    try {
      data = await A.api("GET", path);
    } catch (error) {
      A.fail(error);
      return;
    }
    const body = el("div", { class: "reader" });
    const dialog = A.dialog(t("reader.title", { name: data.name || name || t("comment.anonymous") }), body, { kind: "panel" });
    draw(body, data, path, dialog);
  };

  function draw(body, data, path, dialog) {
    const change = async (values, done) => {
      /* Redrawn: the focus goes back to the same control (or the suspend one) in the panel. */
      const k = document.activeElement && document.activeElement.dataset.k;
      try {
        const next = await A.api("PUT", path, values);
        A.say(t(done));
        draw(body, next, path, dialog);
        (body.querySelector('[data-k="' + k + '"]') || body.querySelector('[data-k="suspend"]')).focus();
      } catch (error) {
        A.fail(error);
      }
    };
    body.replaceChildren();
    A.put(body,
      who(data),
      status(data),
      el("dl", { class: "stats small" }, COUNTS.map((k) => el("div", { class: "stat" },
        el("dt", {}, t("reader.count." + k)), el("dd", { "data-count": k }, A.number((data.counts || {})[k] || 0))))),
      decisions(data, change),
      el("p", {}, el("button", { type: "button", class: "link", onclick: () => {
        A.queue.reader = { key: data.reader, name: data.name };
        dialog.close();
        A.queue.openScoped();
      } }, t("reader.in_queue"))),
      el("h3", {}, A.tn("reader.comments_title", data.total || 0)),
      el("ol", { class: "reader-comments" }, (data.comments || []).map(item)));
  }

  function who(data) {
    const others = (data.names || []).filter((n) => n !== data.name);
    const signed = data.signed_in;
    return el("div", { class: "reader-who" },
      others.length ? el("p", {}, t("reader.names"), " ", el("span", { dir: "auto" }, others.join(", "))) : null,
      signed ? el("p", {}, el("span", { class: "badge" }, t("comment.verified")), " ", el("span", { dir: "auto" }, signed.name || ""),
        " · ", t("reader.method." + signed.method)) : null);
  }

  function status(data) {
    const s = data.status || {};
    const lines = [];
    if (s.banned) lines.push(el("p", { class: "status-line bad" }, t("reader.banned")));
    if (s.suspended_until) {
      lines.push(el("p", { class: "status-line warn" }, t("reader.suspended_until", { date: A.date(s.suspended_until) }),
        s.message ? [" — ", el("q", { dir: "auto" }, s.message)] : null));
    }
    if (s.premod) lines.push(el("p", { class: "status-line" }, t("reader.premod_on")));
    return lines.length ? el("div", { class: "reader-status", role: "status" }, lines) : null;
  }

  function decisions(data, change) {
    const s = data.status || {};
    const days = el("select", { id: "suspend-days", name: "days" },
      SUSPEND_DAYS.map((d) => el("option", { value: String(d), selected: d === 7 }, A.tn("block.for_days", d))));
    const message = el("textarea", { id: "suspend-message", name: "message", rows: "2", maxlength: "500", dir: "auto" });
    const suspend = el("form", { class: "suspend", onsubmit: (e) => {
      e.preventDefault();
      change({ suspend_days: Number(days.value), message: message.value.trim() }, "done.reader_suspend");
    } },
      el("div", { class: "field" }, el("label", { for: "suspend-days" }, t("reader.suspend_for")), days),
      el("div", { class: "field" }, el("label", { for: "suspend-message" }, t("reader.message")), message),
      el("button", { type: "submit", "data-k": "suspend" }, t("reader.suspend")),
      s.suspended_until ? el("button", { type: "button", "data-k": "unsuspend", onclick: () => change({ suspend_days: 0 }, "done.reader_unsuspend") }, t("reader.unsuspend")) : null);
    return el("section", { class: "reader-actions", "aria-labelledby": "reader-actions-title" },
      el("h3", { id: "reader-actions-title" }, t("reader.decisions")),
      el("div", { class: "toggles" },
        el("button", { type: "button", "aria-pressed": String(Boolean(s.premod)), "data-k": "premod",
          onclick: () => change({ premod: !s.premod }, s.premod ? "done.reader_premod_off" : "done.reader_premod_on") }, t("reader.premod")),
        el("button", { type: "button", class: s.banned ? null : "danger", "data-k": "ban",
          onclick: () => change({ banned: !s.banned }, s.banned ? "done.reader_unban" : "done.reader_ban") }, t(s.banned ? "reader.unban" : "reader.ban"))),
      suspend,
      el("p", { class: "error", role: "alert" }));
  }

  function item(c) {
    const text = c.text.length > EXCERPT ? c.text.slice(0, EXCERPT) + "…" : c.text;
    return el("li", {},
      el("div", { class: "meta" }, A.time(c.created), el("span", { class: "badge state-" + c.state }, t("state." + c.state)),
        c.featured ? el("span", { class: "badge featured" }, t("card.featured")) : null,
        c.reports_open ? el("span", { class: "badge reported" }, A.tn("reader.reports_open", c.reports_open)) : null,
        el("span", { class: "on" }, t("card.on"), " ", el("span", { dir: "auto" }, c.thread_title || c.uri || ""))),
      el("p", { dir: "auto" }, text));
  }
})();
