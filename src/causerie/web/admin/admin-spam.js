/* Causerie moderation desk: the spam filter's sensitivity in Settings, with what each
   threshold is expected to cost (precision, recall, genuine comments held) for the
   site's languages, from the model's leave-one-source-out curves. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const PERCENT = new Intl.NumberFormat(A.locale, { style: "percent", maximumFractionDigits: 1 });
  const SHARE = new Intl.NumberFormat(A.locale, { style: "percent", maximumFractionDigits: 2 });
  const SCORE = new Intl.NumberFormat(A.locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  /* The grid point nearest to a threshold (the curves are measured on a grid). */
  function nearest(points, threshold) {
    return points.reduce((best, p) => (Math.abs(p.threshold - threshold) < Math.abs(best.threshold - threshold) ? p : best), points[0]);
  }

  function curveTable(lang, curve, data) {
    const marks = new Map();
    for (const name of data.preset_names) {
      const p = nearest(curve.points, data.presets[name]);
      marks.set(p, [...(marks.get(p) || []), t("option.spam_sensitivity." + name)]);
    }
    const current = nearest(curve.points, data.threshold);
    return el("table", { class: "spam-curve" },
      el("caption", {}, t("spam.curve.caption", { language: t("spam.language." + lang), n: A.number(curve.n), spam: A.number(curve.spam) })),
      el("thead", {}, el("tr", {}, ["threshold", "recall", "precision", "fpr", "preset"].map((c) => el("th", { scope: "col" }, t("spam.curve." + c))))),
      el("tbody", {}, curve.points.map((p) => el("tr", { class: p === current ? "current" : null, "aria-current": p === current ? "true" : null },
        el("th", { scope: "row" }, SCORE.format(p.threshold)),
        el("td", {}, PERCENT.format(p.recall)),
        el("td", {}, PERCENT.format(p.precision)),
        el("td", {}, SHARE.format(p.fpr)),
        el("td", {}, [...(marks.get(p) || []), p === current ? t("spam.curve.current") : null].filter(Boolean).join(" · "))))));
  }

  function control(data) {
    const preset = data.preset_names.includes(data.sensitivity) ? data.sensitivity : "custom";
    const choices = [...data.preset_names, "custom"];
    const select = el("select", { id: "set-spam_sensitivity", name: "spam_sensitivity", "aria-describedby": "set-spam_sensitivity-hint" },
      choices.map((c) => el("option", { value: c, selected: c === preset },
        t("option.spam_sensitivity." + c) + (c === "custom" ? "" : " (" + SCORE.format(data.presets[c]) + ")"))));
    const number = el("input", { id: "set-spam_threshold", name: "spam_threshold", type: "number", dir: "ltr", min: "0.05", max: "0.99", step: "any",
      value: String(data.threshold) });
    return [
      el("div", { class: "field" }, el("label", { for: "set-spam_sensitivity" }, t("settings.spam_sensitivity")), select,
        el("p", { class: "hint", id: "set-spam_sensitivity-hint" }, t("settings.hint.spam_sensitivity"))),
      el("div", { class: "field" }, el("label", { for: "set-spam_threshold" }, t("settings.spam_threshold")), number),
    ];
  }

  async function spamSection(site) {
    let data;
    try {
      data = await A.api("GET", "/sites/" + encodeURIComponent(site) + "/spam-curves");
    } catch (error) {
      return null; /* a desk without the filter's curves simply has no such section */
    }
    const error = el("p", { class: "error", role: "alert" });
    const tables = Object.entries(data.curves).map(([lang, curve]) => curveTable(lang, curve, data));
    const form = el("form", { class: "settings", id: "settings-spam", "aria-labelledby": "settings-spam-title", onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      const f = e.target.elements;
      const value = f.spam_sensitivity.value === "custom" ? Number(f.spam_threshold.value) : f.spam_sensitivity.value;
      try {
        await A.api("PUT", "/sites/" + encodeURIComponent(site) + "/settings", { spam_sensitivity: value });
        A.say(t("done.settings"));
        /* Drawn again, so that each table marks the site's new threshold. */
        const fresh = await spamSection(site);
        if (fresh) form.replaceWith(fresh);
      } catch (err) {
        A.say(err.message);
        error.textContent = err.message;
      }
    } },
      el("h2", { id: "settings-spam-title", tabindex: "-1" }, t("settings.section.spam")),
      el("p", { class: "about" }, t("settings.about.spam")),
      control(data),
      tables.length ? tables : el("p", { class: "empty" }, t("spam.no_curves")),
      error,
      el("div", { class: "form-buttons" }, el("button", { type: "submit", class: "primary" }, t("settings.save_section", { section: t("settings.section.spam") }))));
    return form;
  }

  (A.settingsSections = A.settingsSections || []).push(spamSection);
})();
