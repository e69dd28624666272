/* Causerie dashboard: import an export file (admins), with progress and the summary. */
"use strict";

(function () {
  const A = window.CauserieAdmin;
  const el = A.el;
  const t = A.t;
  const FORMATS = ["wordpress", "disqus", "isso", "remark42", "commento", "native"];
  const COUNTS = ["threads", "comments", "approved", "pending", "spam", "deleted", "replies", "skipped", "warnings"];
  const field = (id, label, control) => el("div", { class: "field" }, el("label", { for: id }, label), control);
  const check = (name) => el("div", { class: "field check" },
    el("input", { id: "imp-" + name, name, type: "checkbox" }), el("label", { for: "imp-" + name }, t("import." + name)));

  async function upload(form) {
    const f = form.elements;
    const file = f.file.files[0];
    const query = new URLSearchParams({ site: f.site.value, format: f.format.value });
    for (const flag of ["dry_run", "with_pingbacks", "learn"]) if (f[flag].checked) query.set(flag, "true");
    const res = await fetch("/api/admin/imports?" + query, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": A.me.csrf, "X-File-Name": file.name, "Accept-Language": A.lang,
        "Content-Type": "application/octet-stream", Accept: "application/json" },
      body: file,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { code: data.error });
    return data;
  }

  function report(job) {
    const rows = COUNTS.map((name) => el("tr", {}, el("th", { scope: "row" }, t("import.count." + name)), el("td", {}, String(job[name]))));
    const parts = [
      el("h2", {}, t("import.state." + job.state)),
      el("table", { class: "summary" }, el("caption", {}, job.file + (job.dry_run ? " · " + t("import.dry_run") : "")), el("tbody", {}, rows)),
    ];
    if (job.state === "running") parts.splice(1, 0, el("progress", { "aria-label": t("import.state.running") }));
    if (job.looks_like) {
      parts.push(el("p", { class: "error", role: "alert" }, t("import.looks_like", { format: t("import.format." + job.looks_like) })));
    }
    if (job.error) parts.push(el("p", { class: "error", role: "alert", dir: "ltr" }, job.error));
    if (job.warning_messages.length) {
      parts.push(el("h3", {}, t("import.warnings")), el("ul", { dir: "ltr" }, job.warning_messages.map((m) => el("li", {}, m))));
    }
    return parts;
  }

  async function follow(job, box) {
    box.replaceChildren(...report(job));
    while (job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await A.api("GET", "/imports/" + job.id);
      box.replaceChildren(...report(job));
    }
    A.say(t("import.state." + job.state));
  }

  A.views.imports = async function (main) {
    const box = el("section", { id: "import-progress", "aria-live": "polite" });
    const form = el("form", { class: "settings", onsubmit: async (e) => {
      e.preventDefault();
      const button = e.target.querySelector("button");
      button.disabled = true;
      try {
        await follow(await upload(e.target), box);
      } catch (error) {
        A.fail(error);
      } finally {
        button.disabled = false;
      }
    } },
      field("imp-site", t("import.site"), el("select", { id: "imp-site", name: "site" },
        A.me.sites.map((s) => el("option", { value: s.name, selected: s.name === A.site }, s.title || s.name)))),
      field("imp-format", t("import.format"), el("select", { id: "imp-format", name: "format" },
        FORMATS.map((name) => el("option", { value: name }, t("import.format." + name))))),
      field("imp-file", t("import.file"), el("input", { id: "imp-file", name: "file", type: "file", required: true })),
      check("dry_run"), check("with_pingbacks"), check("learn"),
      el("p", { id: "error", class: "error", role: "alert" }),
      el("button", { type: "submit", class: "primary" }, t("import.start")));
    main.replaceChildren(el("div", { class: "view-head" }, el("h1", { tabindex: "-1" }, t("nav.imports"))), el("p", {}, t("import.explain")), form, box);
  };
})();
