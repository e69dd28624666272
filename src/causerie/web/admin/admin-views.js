/* Causerie moderation desk: overview, blocks and the audit log. */
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
      el("div", { class: "stat" }, el("dt", {}, t(A.text["admin.queue." + state] ? "queue." + state : "state." + state)),
        el("dd", {}, el("a", { href: "#/queue/" + state, onclick: (e) => { e.preventDefault(); A.queue.open(state); } }, A.number(n)))));
    main.replaceChildren(
      el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("overview.title"))),
      el("dl", { class: "stats" }, counts),
      el("h2", {}, t("overview.filter")),
      el("dl", { class: "stats" },
        el("div", { class: "stat" }, el("dt", {}, t("overview.precision")), el("dd", { id: "precision" }, percent(data.precision))),
        el("div", { class: "stat" }, el("dt", {}, t("overview.recall")), el("dd", { id: "recall" }, percent(data.recall)))),
      el("p", {}, t("overview.explain", data.decisions)),
      ...(data.toxicity ? toxicityFigures(data.toxicity) : []),
      el("h2", {}, t("chart.title")),
      /* Focusable: on a phone it scrolls sideways, which the keyboard must reach too. */
      el("figure", { class: "chart", tabindex: "0", html: data.chart_svg }),
      chartTable(data.days));
  };

  /* The toxicity model, judged like the spam filter: by the moderators' decisions. */
  function toxicityFigures(x) {
    return [el("h2", {}, t("overview.toxicity")),
      el("dl", { class: "stats" },
        el("div", { class: "stat" }, el("dt", {}, t("overview.precision")), el("dd", { id: "toxicity-precision" }, percent(x.precision))),
        el("div", { class: "stat" }, el("dt", {}, t("overview.recall")), el("dd", { id: "toxicity-recall" }, percent(x.recall)))),
      el("p", {}, t("overview.toxicity_explain", x.decisions)),
      ...(x.thresholds || []).map(thresholdLine)];
  }

  /* Each site's hold threshold: the model's, learned from its moderators, or pinned. */
  function thresholdLine(h) {
    const pct = (v) => (v === null || v === undefined ? "—" : A.number(Math.round(v * 100)) + " %");
    const e = h.expected || {};
    const m = h.at_model || {};
    return el("p", { class: "toxicity-threshold", "data-site": h.site }, t("overview.toxicity_threshold." + h.source, {
      site: h.site, threshold: pct(h.threshold), model_threshold: pct(h.model_threshold), learned: pct(h.learned),
      decisions: A.number(h.decisions), needed: A.number(h.needed), held_offensive: A.number(h.held_offensive),
      held_clean: A.number(h.held_clean), reported_missed: A.number(h.reported_missed),
      precision: pct(e.precision), recall: pct(e.recall), fpr: pct(e.fpr),
      model_precision: pct(m.precision), model_recall: pct(m.recall), model_fpr: pct(m.fpr) }));
  }

  /* The chart's figures as a table, for whoever does not read the picture. */
  function chartTable(days) {
    const series = ["received", "caught", "missed", "false_positives"];
    return el("details", { class: "chart-data" }, el("summary", {}, t("chart.as_table")),
      el("table", {}, el("caption", {}, t("chart.title")),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("chart.day")), series.map((s) => el("th", { scope: "col" }, t("chart." + s))))),
        el("tbody", {}, days.map((d) => el("tr", {}, el("th", { scope: "row" }, A.day(d.date + "T12:00:00Z")),
          series.map((s) => el("td", {}, A.number(d[s]))))))));
  }

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
    main.replaceChildren(el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.blocks"))), form,
      rows.length ? el("table", {}, el("caption", {}, t("block.active")),
        el("thead", {}, el("tr", {}, ["value", "kind", "until", "by", "remove"].map((h) => el("th", { scope: "col" }, t("block.col." + h))))),
        el("tbody", {}, rows)) : el("p", { class: "empty" }, t("block.none")));
  };

  A.views.audit = async function (main) {
    const data = await A.api("GET", "/audit");
    const rows = data.entries.map((e) => el("tr", {},
      el("td", {}, A.time(e.created)), el("td", {}, e.actor), el("td", {}, e.site || ""),
      el("td", {}, t("audit.action." + e.action) + (e.undone ? " (" + t("audit.undone") + ")" : "")),
      el("td", {}, e.comment_id ? "#" + e.comment_id : "")));
    main.replaceChildren(el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.audit"))),
      el("table", {}, el("caption", {}, t("audit.caption")),
        el("thead", {}, el("tr", {}, ["when", "who", "site", "what", "comment"].map((h) => el("th", { scope: "col" }, t("audit.col." + h))))),
        el("tbody", {}, rows)));
  };
})();
