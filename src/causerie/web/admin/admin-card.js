/* Causerie moderation desk: one comment as a card — where it was written, what it answers,
   who wrote it (her history one click away), why it is here (reasons as chips, readers'
   reports), and the decisions, each with its key. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const KEYS = { approve: "a", reject: "d", spam: "s", not_spam: "n", keep: "c", feature: "f", unfeature: "f", not_offensive: "o", offensive: "t" };

  /* The decisions a comment offers, most likely first. */
  function decisions(c) {
    const out = [];
    /* The toxicity model flagged, held or refused it: the two lessons come first. */
    if (toxic(c)) out.push("not_offensive", "offensive");
    if (c.reports && c.reports.open > 0) {
      out.push("keep");
      /* Readers reported a comment the toxicity model let through: "offensive" rejects it
         and tells the site's threshold it missed one (docs/toxicity.md). */
      if (!toxic(c) && c.toxicity && c.state !== "deleted") out.push("offensive");
    }
    if (c.state === "pending" || c.state === "deleted") out.push("approve");
    if (c.state === "spam") out.push("not_spam");
    if (c.state !== "deleted") out.push("reject");
    if (c.state !== "spam") out.push("spam");
    if (c.state === "approved" || c.state === "pending") out.push(c.featured ? "unfeature" : "feature");
    return out;
  }

  /* The decision a moderator most often takes here, drawn as the main button: publish
     what was held, keep what readers reported. Elsewhere no button is favoured. */
  function expected(c) {
    if (c.reports && c.reports.open > 0) return "keep";
    if (toxic(c)) return null; /* offensive or not: the moderator's call, none favoured */
    return c.state === "pending" ? "approve" : null;
  }

  /* Flagged by the toxicity model and still waiting for a human (reviewed: decided). */
  const toxic = (c) => Boolean(c.toxicity && c.toxicity.flag && !c.reviewed && c.state !== "deleted");

  const badge = (key, kind) => el("span", { class: "badge" + (kind ? " " + kind : "") }, t(key));

  A.card = function (c, queue) {
    const id = "c" + c.id;
    const showState = !["pending", "spam", "approved", "deleted"].includes(queue);
    return el("li", { id, class: "comment" + (c.featured ? " featured" : ""), tabindex: "-1", "data-id": c.id, "data-state": c.state, "aria-labelledby": id + "-who" },
      el("div", { class: "card-head" },
        el("input", { type: "checkbox", class: "pick", "aria-label": t("comment.select", { author: c.author || t("comment.anonymous") }), onchange: () => A.queue.showPicked() }),
        el("strong", { id: id + "-who", class: "author", dir: "auto" }, c.author || t("comment.anonymous")),
        c.by_site ? badge("comment.by_site") : null,
        c.identity_id ? badge("comment.verified") : null,
        c.featured ? badge("card.featured", "featured") : null,
        c.pinned ? badge("comment.pinned") : null,
        showState ? el("span", { class: "badge state-" + c.state }, t("state." + c.state)) : null,
        c.hidden_by_reports ? badge("card.hidden_by_reports", "warn") : null,
        A.time(c.created)),
      where(c),
      ident(c),
      parent(c),
      chips(c),
      toxicity(c),
      reports(c),
      A.readerHtml(c.html),
      actions(c));
  };

  function where(c) {
    const link = c.link || (/^https?:\/\//.test(c.uri) ? c.uri : null);
    const title = c.thread_title || c.uri;
    const target = link
      ? el("a", { href: link, rel: A.READER_REL, target: "_blank", dir: "auto", class: "title" }, title)
      : el("span", { dir: "auto", class: "title" }, title);
    return el("p", { class: "where" }, t("card.on"), " ", target,
      A.me.sites.length > 1 ? el("span", { class: "site" }, c.site) : null,
      c.thread_closed ? badge("card.closed", "closed") : null);
  }

  function ident(c) {
    const key = c.reader || c.reader_address;
    const bits = [c.email ? el("span", { dir: "ltr" }, c.email) : null, c.ip_prefix ? el("span", { dir: "ltr" }, c.ip_prefix) : null].filter(Boolean);
    if (!bits.length && !key) return null;
    return el("p", { class: "ident" }, bits,
      key ? A.button(t("card.history"), "h", () => A.readerPanel(c.site, key, c.author), { class: "history link" }) : null);
  }

  function parent(c) {
    const p = c.parent_comment;
    if (!p) return null;
    return el("blockquote", { class: "parent" },
      el("span", { class: "parent-who" }, t("card.reply_to", { author: p.author || t("comment.anonymous") }),
        p.state && p.state !== "approved" ? el("span", { class: "badge state-" + p.state }, t("state." + p.state)) : null),
      " ", el("q", { dir: "auto" }, p.excerpt));
  }

  /* Why it is here: the filter's score and every reason, whichever detector gave it. */
  function chips(c) {
    const items = [];
    if (c.spam_verdict !== "ham" || c.state === "spam") {
      items.push(el("li", { class: "chip score", "data-code": "spam_score" }, t("comment.score", { score: Math.round(c.spam_score * 100) })));
    }
    /* The toxicity model's own reasons have their line (toxicity below). */
    const own = (r) => c.toxicity && r.code.startsWith("toxicity_");
    const reasons = [...(c.reasons || [])].filter((r) => !own(r)).sort((x, y) => (y.weight || 0) - (x.weight || 0));
    /* Coloured by the way each reason pushed (towards holding it, or towards publishing). */
    for (const r of reasons) {
      const way = r.weight > 0 ? " against" : r.weight < 0 ? " for" : "";
      items.push(el("li", { class: "chip" + way, "data-code": r.code, dir: "auto" }, r.text));
    }
    return items.length ? el("ul", { class: "chips reasons", "aria-label": t("comment.reasons") }, items) : null;
  }

  /* The toxicity model's verdict: its score and what it found, as chips. */
  function toxicity(c) {
    const x = c.toxicity;
    if (!x || !x.flag) return null;
    const score = el("li", { class: "chip score toxic", "data-code": "toxicity_score" },
      t("card.toxicity." + x.flag, { score: A.number(Math.round(x.score * 100)) }));
    const found = (x.reasons || []).map((r) =>
      el("li", { class: "chip toxic" + (r.weight < 0 ? " for" : ""), "data-code": r.code, dir: "auto", title: r.text || null }, r.label));
    return el("ul", { class: "chips toxicity", "aria-label": t("card.toxicity_reasons") }, score, found);
  }

  function reports(c) {
    const r = c.reports;
    if (!r || !r.total) return null;
    return el("div", { class: "reports" },
      el("p", { class: "reports-head" }, A.tn("card.reports", r.open),
        r.total > r.open ? " " + t("card.reports_total", { total: A.number(r.total) }) : null),
      el("ul", { class: "chips", "aria-label": t("card.report_reasons") },
        (r.reasons || []).map((x) => el("li", { class: "chip report", "data-code": x.code }, x.text, " ", el("span", { class: "times" }, "× " + A.number(x.count))))),
      (r.texts || []).length ? el("ul", { class: "report-texts" }, r.texts.map((text) => el("li", {}, el("q", { dir: "auto" }, text)))) : null);
  }

  function actions(c) {
    const decide = (action) => A.button(t("action." + action), KEYS[action], () => A.queue.act(action, [c.id]),
      { "data-action": action, class: action === expected(c) ? "primary" : null });
    return el("div", { class: "actions" },
      el("div", { class: "decide" }, decisions(c).map(decide)),
      el("div", { class: "tools" },
        A.button(t("action.edit"), "e", () => A.cardEditor(c, "edit"), { "data-action": "edit" }),
        A.button(t("action.reply"), "r", () => A.cardEditor(c, "reply"), { "data-action": "reply" }),
        more(c)));
  }

  /* Rarer tools, behind one disclosure so the card stays quiet. */
  function more(c) {
    const item = (label, onclick) => el("li", {}, el("button", { type: "button", onclick }, label));
    return el("details", { class: "more" },
      el("summary", {}, A.named(t("card.more"), t("card.more_for", { author: c.author || t("comment.anonymous") }))),
      el("ul", {},
        item(t(c.pinned ? "action.unpin" : "action.pin"), () => A.queue.act(c.pinned ? "unpin" : "pin", [c.id])),
        item(t("card.this_article"), () => { A.queue.thread = { id: c.thread_id, title: c.thread_title || c.uri }; A.queue.openScoped(); }),
        item(t("card.rules"), () => A.threadRules(c.thread_id)),
        item(t(c.thread_closed ? "action.open_thread" : "action.close_thread"), () => closeThread(c)),
        c.email ? item(t("action.block_email"), () => blockDialog(c, "email")) : null,
        c.ip_prefix ? item(t("action.block_ip"), () => blockDialog(c, "ip_range")) : null));
  }

  A.cardEditor = function (c, mode) {
    const node = document.getElementById("c" + c.id);
    if (!node) return;
    node.querySelector(".editor")?.remove();
    const area = el("textarea", { id: "editor-" + c.id, rows: "4", dir: "auto" }, mode === "edit" ? c.text : "");
    const cancel = () => { form.remove(); node.focus(); };
    const save = async (e) => {
      e.preventDefault();
      try {
        if (mode === "edit") await A.api("PATCH", "/comments/" + c.id, { text: area.value });
        else await A.api("POST", "/comments/" + c.id + "/reply", { text: area.value });
        A.say(t("done." + mode));
        A.show("queue", A.queue.queue);
      } catch (error) {
        A.fail(error);
      }
    };
    const form = el("form", { class: "editor", onsubmit: save, onkeydown: (e) => e.key === "Escape" && cancel() },
      el("label", { for: "editor-" + c.id }, t(mode === "edit" ? "editor.edit" : "editor.reply")),
      area, el("div", { class: "editor-buttons" },
        el("button", { type: "submit", class: "primary" }, t("editor.save")),
        el("button", { type: "button", onclick: cancel }, t("editor.cancel"))));
    node.append(form);
    area.focus();
  };

  async function closeThread(c) {
    try {
      await A.api("POST", "/threads/" + c.thread_id + "/close", { closed: !c.thread_closed });
      A.say(t(c.thread_closed ? "done.open" : "done.close"));
      A.show("queue", A.queue.queue);
    } catch (error) {
      A.fail(error);
    }
  }

  function blockDialog(c, by) {
    const days = el("select", { id: "block-days-" + c.id, name: "days" },
      [1, 7, 30, 365, 0].map((d) => el("option", { value: String(d), selected: d === 30 }, d ? A.tn("block.for_days", d) : t("block.forever"))));
    const what = by === "email" ? c.email : c.ip_prefix;
    const form = el("form", { class: "settings", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await A.api("POST", "/comments/" + c.id + "/block", { by, days: Number(days.value) });
        A.say(t("done.block"));
        dialog.close();
      } catch (error) {
        A.fail(error);
      }
    } },
      el("p", {}, t("block.explain_" + by), " ", el("strong", { dir: "ltr" }, what)),
      el("div", { class: "field" }, el("label", { for: days.id }, t("block.how_long")), days),
      el("p", { class: "error", role: "alert" }),
      el("button", { type: "submit", class: "primary danger" }, t("block.add")));
    const dialog = A.dialog(t(by === "email" ? "action.block_email" : "action.block_ip"), form, { focus: "select" });
  }
})();
