// The query page: runs SPARQL against the endpoint with fetch (no library, no CDN).
// A library example comes with example values for its required parameters (filled in by the
// server); a new run clears the previous results, so an error never sits above stale rows.
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library").textContent);
  var messages = JSON.parse(document.getElementById("messages").textContent);
  var box = document.getElementById("query");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var error = document.getElementById("error");
  var note = document.getElementById("example-note");
  function t(id, values) {
    var text = messages[id] || id;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }
  document.getElementById("examples").addEventListener("change", function (e) {
    note.textContent = "";
    for (var i = 0; i < library.length; i++) {
      if (library[i].name === e.target.value) {
        box.value = library[i].text;
        if (library[i].filled.length) note.textContent = t("Example values filled in (edit them in the VALUES line): {values}", {values: library[i].filled.join(", ")});
      }
    }
  });
  // Only http(s) and mailto IRIs become links; javascript:, data:, vbscript: ... stay text.
  function safeHref(value) {
    return /^(https?|mailto):/i.test(value) && !/[\u0000-\u0020\u007f-\u009f]/.test(value);
  }
  function cell(binding) {
    var td = document.createElement("td");
    if (!binding) { return td; }
    if (binding.type === "uri" && safeHref(binding.value)) {
      var a = document.createElement("a");
      a.href = binding.value; a.textContent = binding.value; td.appendChild(a);
    } else if (binding.type === "uri") {
      td.textContent = binding.value; td.className = "unlinked";
    } else {
      td.textContent = binding.value + (binding["xml:lang"] ? " @" + binding["xml:lang"] : "");
    }
    return td;
  }
  function show(data) {
    results.textContent = "";
    if (data.boolean !== undefined) { results.textContent = data.boolean ? t("yes") : t("no"); status.textContent = ""; return; }
    var table = document.createElement("table");
    var head = document.createElement("tr");
    data.head.vars.forEach(function (v) {
      var th = document.createElement("th"); th.textContent = v; head.appendChild(th);
    });
    table.appendChild(head);
    data.results.bindings.forEach(function (row) {
      var tr = document.createElement("tr");
      data.head.vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      table.appendChild(tr);
    });
    results.appendChild(table);
    status.textContent = t("{n} row(s)", {n: data.results.bindings.length});
  }
  document.getElementById("run").addEventListener("click", function () {
    var endpoint = document.getElementById("endpoint").value;
    error.textContent = ""; results.textContent = ""; status.textContent = t("running…");
    if (!endpoint) { status.textContent = ""; error.textContent = t("No SPARQL endpoint configured."); return; }
    fetch(endpoint, {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: box.value
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        if (!response.ok) { throw new Error(response.status + ": " + text); }
        if (type.indexOf("json") >= 0) { show(JSON.parse(text)); }
        else { results.textContent = ""; var pre = document.createElement("pre");
               pre.textContent = text; results.appendChild(pre); status.textContent = ""; }
      });
    }).catch(function (e) { status.textContent = ""; results.textContent = ""; error.textContent = String(e.message || e); });
  });
})();
