// Search of the static site: ranks an embedded index in the browser as the server does
// (kjgraph.search): names folded (NFKD, Latin diacritics removed, case, hyphens and spaces),
// then exact > same words > dated in the period > prefix > substring; entities before details,
// ontology terms, sources and graphs; the summary says when the list is cut.
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("index").textContent);
  var params = new URLSearchParams(window.location.search);
  var raw = (params.get("q") || "").trim();
  var list = document.getElementById("results");
  var summary = document.getElementById("summary");
  var limit = Math.min(Number(params.get("limit")) || 50, 1000);
  document.querySelector("main input[name=q]").value = params.get("q") || "";
  if (!raw) { return; }
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  function fold(s) { return s.normalize("NFKD").replace(MARKS, "").toLowerCase().normalize("NFC"); }
  function words(s) { return fold(s).replace(/_/g, " ").match(/[\p{L}\p{N}\p{M}]+/gu) || []; }
  var ORDER = [0, 1, 2, 3, 3, 5];
  var qwords = words(raw), key = qwords.join(""), sortedQ = qwords.slice().sort().join(" ");
  var lang = index.lang;
  function period(text) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
    if (!m) return null;
    var y = Number(m[1]);
    if (!m[2]) return [m[1] + "-01-01", m[1] + "-12-31"];
    var month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    var last = new Date(Date.UTC(y, month, 0)).getUTCDate();
    if (!m[3]) return [m[1] + "-" + m[2] + "-01", m[1] + "-" + m[2] + "-" + String(last).padStart(2, "0")];
    if (Number(m[3]) < 1 || Number(m[3]) > last) return null;
    return [m[0], m[0]];
  }
  var span = period(raw);
  function tier(lkey, lwords) {
    if (lkey === key) return 0;
    if (qwords.length > 1 && lwords.slice().sort().join(" ") === sortedQ) return 1;
    if (lkey.indexOf(key) === 0) return 3;
    var joined = "";
    for (var i = lwords.length - 1; i > 0; i--) { joined = lwords[i] + joined; if (joined.indexOf(key) === 0) return 4; }
    return lkey.indexOf(key) >= 0 ? 5 : null;
  }
  var ranked = [];
  if (key) {
    index.entries.forEach(function (e) {  // [href, label, category, kind rank, from, to, first, keys]
      var vocabulary = e[2] === 2, best = null;
      e[7].forEach(function (k) {  // [key, words, text, tag]
        var primary = k[3].split("-")[0].toLowerCase();
        if (vocabulary && [lang, "en", ""].indexOf(primary) < 0) return;
        var t = tier(k[0], k[1] ? k[1].split(" ") : []);
        if (t === null || (vocabulary && t === 5)) return;
        if (best === null || t < best) best = t;
      });
      if (span && e[2] === 0 && e[4] && e[4] <= span[1] && e[5] >= span[0] && (best === null || best > 2)) best = 2;
      if (best === null) return;
      ranked.push([[best === 0 && (e[2] === 0 || e[2] === 2) ? 0 : 1, e[2], ORDER[best], e[3], e[6] || "", e[1].length, e[1], e[0]], e]);
    });
  }
  ranked.sort(function (a, b) {
    for (var i = 0; i < a[0].length; i++) { if (a[0][i] < b[0][i]) return -1; if (a[0][i] > b[0][i]) return 1; }
    return 0;
  });
  function fill(template, values) {
    return Object.keys(values).reduce(function (t, k) { return t.split("{" + k + "}").join(String(values[k])); }, template);
  }
  var shown = ranked.slice(0, limit);
  summary.textContent = !ranked.length ? fill(summary.dataset.none, {q: raw}) :
    ranked.length > shown.length ? fill(summary.dataset.cut, {shown: shown.length, total: ranked.length, q: raw}) :
    fill(summary.dataset.all, {total: ranked.length, q: raw});
  shown.forEach(function (pair) {
    var e = pair[1];
    var safe = /^(?:\.{1,2}\/|[\w.-]+\/|[\w.-]+\.html)/.test(e[0]) || /^(https?|mailto):/i.test(e[0]);  // never javascript: etc.
    var li = document.createElement("li");
    if (safe) { var a = document.createElement("a"); a.href = e[0]; a.textContent = e[1]; li.appendChild(a); }
    else { li.textContent = e[1]; }
    if (e[6]) { var d = document.createElement("span"); d.className = "muted"; d.textContent = " · " + e[6]; li.appendChild(d); }
    list.appendChild(li);
  });
})();
