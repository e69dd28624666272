/* Causerie "latest comments" block for home pages, apart from the comment widget.
   <div data-causerie-latest data-site="default" data-limit="5" data-lang="fr"></div>
   <script src="https://comments.example/static/latest.js" async></script>
   Text is inserted as text (never as HTML). */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : "";
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function fill(box, data) {
    var section = el("section", "causerie-latest");
    section.lang = data.lang;
    section.dir = data.dir;
    section.appendChild(el("h2", "", data.heading));
    if (!data.items.length) section.appendChild(el("p", "causerie-latest-empty", data.empty));
    var list = el("ol", "causerie-latest-list");
    data.items.forEach(function (item) {
      var li = el("li");
      var a = el("a");
      a.href = item.link;
      a.appendChild(el("span", "causerie-latest-author", item.author));
      a.appendChild(document.createTextNode(" " + data.on + " "));
      a.appendChild(el("cite", "", item.page));
      li.appendChild(a);
      var p = el("p", "", item.text);
      p.dir = "auto";
      li.appendChild(p);
      var time = el("time", "", item.created.slice(0, 10));
      time.dateTime = item.created;
      li.appendChild(time);
      list.appendChild(li);
    });
    if (data.items.length) section.appendChild(list);
    box.replaceChildren(section);
  }
  function load(box) {
    var query = new URLSearchParams({ site: box.dataset.site || "default", limit: box.dataset.limit || "5" });
    if (box.dataset.lang) query.set("lang", box.dataset.lang);
    fetch(base + "/api/latest?" + query, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { fill(box, data); })
      .catch(function () { /* the page stays as it was */ });
  }
  document.querySelectorAll("[data-causerie-latest]").forEach(load);
})();
