// Search of the static site: a label index embedded in the page, matched in the browser.
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("index").textContent);
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim().toLowerCase();
  var list = document.getElementById("results");
  if (!q) { return; }
  var seen = {};
  index.forEach(function (entry) {  // [href, label, language]
    var safe = /^\/(?!\/)/.test(entry[0]) || /^(https?|mailto):/i.test(entry[0]);  // never javascript: etc.
    if (safe && entry[1].toLowerCase().indexOf(q) >= 0 && !seen[entry[0]]) {
      seen[entry[0]] = true;
      var li = document.createElement("li"); var a = document.createElement("a");
      a.href = entry[0]; a.textContent = entry[1]; li.appendChild(a); list.appendChild(li);
    }
  });
  document.querySelector("input[name=q]").value = params.get("q");
})();
