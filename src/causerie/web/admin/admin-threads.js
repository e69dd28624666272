/* Causerie moderation desk: articles — each thread with its counts and its rules
   (closed, closes by itself after N days, every comment pre-moderated). */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const T = { q: "", offset: 0, limit: 50 };

  /* Open, closes on a date, or closed (by a moderator or by itself). */
  function state(th) {
    const closed = th.effective && th.effective.closed;
    if (closed) return closed.reason === "auto" ? t("thread.closed_auto", { date: A.day(closed.since) }) : t("thread.closed_by_hand");
    if (th.effective && th.effective.closes_at) return t("thread.closes_at", { date: A.day(th.effective.closes_at) });
    return t("thread.open");
  }

  function row(th) {
    const counts = th.counts || {};
    const title = th.link ? el("a", { href: th.link, rel: A.READER_REL, target: "_blank", dir: "auto" }, th.title || th.uri) : el("span", { dir: "auto" }, th.title || th.uri);
    return el("li", { class: "thread", "data-thread": th.id },
      el("h2", { class: "thread-title" }, title),
      el("p", { class: "uri", dir: "ltr" }, th.uri),
      el("p", { class: "thread-state" }, el("span", { class: "badge" + (th.effective && th.effective.closed ? " closed" : "") }, state(th)),
        th.premod ? el("span", { class: "badge warn" }, t("thread.premod_on")) : null),
      el("dl", { class: "mini" }, ["approved", "pending", "reported"].map((k) => el("div", {},
        el("dt", {}, t("thread.count." + k)), el("dd", {}, A.number(counts[k] || 0))))),
      el("div", { class: "actions" },
        el("button", { type: "button", onclick: () => { A.queue.thread = { id: th.id, title: th.title || th.uri }; A.queue.openScoped(); } }, A.named(t("thread.comments"), th.title || th.uri)),
        el("button", { type: "button", onclick: () => A.threadRules(th.id) }, A.named(t("card.rules"), th.title || th.uri))));
  }

  A.views.threads = async function (box) {
    A.put(box, el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.threads"))));
    if (!A.site) {
      A.put(box, el("p", { class: "empty" }, t("settings.pick_site")));
      return;
    }
    const params = new URLSearchParams({ site: A.site, limit: T.limit, offset: T.offset });
    if (T.q) params.set("q", T.q);
    const data = await A.api("GET", "/threads?" + params);
    const search = el("form", { class: "filters", role: "search", onsubmit: (e) => {
      e.preventDefault();
      T.q = e.target.elements.q.value.trim();
      T.offset = 0;
      A.show("threads");
    } },
      el("label", { for: "thread-q", class: "visually-hidden" }, t("thread.search")),
      el("input", { id: "thread-q", name: "q", type: "search", dir: "auto", placeholder: t("thread.search"), value: T.q }),
      el("button", { type: "submit" }, t("search.submit")));
    const prev = T.offset > 0;
    const next = T.offset + data.threads.length < data.total;
    const go = (delta) => () => { T.offset = Math.max(0, T.offset + delta); A.show("threads"); };
    A.put(box, search,
      el("p", { class: "count-line" }, A.tn("thread.count", data.total)),
      el("ul", { class: "threads" }, data.threads.map(row)),
      prev || next ? el("nav", { class: "pager", "aria-label": t("queue.pages") },
        el("button", { type: "button", disabled: !prev, onclick: go(-T.limit) }, t("queue.previous")),
        el("button", { type: "button", disabled: !next, onclick: go(T.limit) }, t("queue.next"))) : null);
  };

  /* The rules of one article, in a dialog (from its card in a queue or from Articles). */
  A.threadRules = async function (id) {
    let th;
    try {
      th = await A.api("GET", "/threads/" + id);
    } catch (error) {
      A.fail(error);
      return;
    }
    const eff = th.effective || {};
    const siteDays = th.close_after_days === null ? eff.close_after_days : null;
    const auto = th.close_after_days === null ? "site" : th.close_after_days === 0 ? "never" : "days";
    /* The number of days counts only when "after N days" is chosen. */
    const days = el("input", { id: "rule-days", name: "days", type: "number", min: "1", max: "3650", disabled: auto !== "days",
      value: String(th.close_after_days || eff.close_after_days || 14) });
    const radio = (value, label) => el("div", { class: "field check" },
      el("input", { type: "radio", id: "rule-auto-" + value, name: "auto", value, checked: auto === value,
        onchange: () => { days.disabled = value !== "days"; } }),
      el("label", { for: "rule-auto-" + value }, label));
    const check = (name, label, on) => el("div", { class: "field check" },
      el("input", { type: "checkbox", id: "rule-" + name, name, checked: Boolean(on) }), el("label", { for: "rule-" + name }, label));
    const form = el("form", { class: "settings rules", onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      const choice = f.auto.value;
      const body = { closed: f.closed.checked, premod: f.premod.checked,
        close_after_days: choice === "site" ? null : choice === "never" ? 0 : Number(f.days.value) || 1,
        published: f.published.value ? f.published.value + "T00:00:00Z" : null };
      try {
        await A.api("PUT", "/threads/" + id + "/rules", body);
        A.say(t("done.rules"));
        dialog.close();
        A.show(A.current, A.arg);
      } catch (error) {
        A.fail(error);
      }
    } },
      el("p", { class: "rules-of" }, el("strong", { dir: "auto" }, th.title || th.uri)),
      el("p", { class: "thread-state" }, el("span", { class: "badge" + (eff.closed ? " closed" : "") }, state(th))),
      check("closed", t("thread.closed"), th.closed),
      check("premod", t("thread.premod"), th.premod),
      el("fieldset", {}, el("legend", {}, t("thread.auto")),
        radio("site", siteDays ? A.tn("thread.auto_site_days", siteDays) : t("thread.auto_site_never")),
        radio("never", t("thread.auto_never")),
        radio("days", t("thread.auto_days")),
        el("div", { class: "field days" }, el("label", { for: "rule-days" }, t("thread.days")), days),
        el("p", { class: "hint" }, t(eff.close_from === "article" ? "thread.from_article" : "thread.from_first_comment"))),
      el("div", { class: "field" }, el("label", { for: "rule-published" }, t("thread.published")),
        el("input", { id: "rule-published", name: "published", type: "date", value: th.published ? th.published.slice(0, 10) : "" })),
      el("p", { class: "error", role: "alert" }),
      el("button", { type: "submit", class: "primary" }, t("thread.save")));
    const dialog = A.dialog(t("thread.rules_title"), form, { focus: "#rule-closed" });
  };
})();
