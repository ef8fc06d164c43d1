// kjgraph render: builds the network page from the JSON blob #kjgraph-data with vis-network.
// Every text from the data goes through textContent (never innerHTML), so labels are shown as text.
// window.kjgraph exposes the DataSets, the filtered DataViews and setYears() for tests and users.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kjgraph-data").textContent);
  var meta = data.meta;
  var lang = meta.lang;
  var started = performance.now();
  var byId = new Map(data.nodes.map(function (n) { return [n.id, n]; }));

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function pick(labels) {  // interface strings (legend, relations), one per language
    if (!labels) return "";
    return labels[lang] || labels.en || labels[""] || Object.values(labels)[0] || "";
  }
  // Names of entities: chosen in Python by RFC 4647 lookup (kjgraph.labels), one per language.
  function name(item) {
    if (!item) return "";
    return item.names ? (item.names[lang] || "") : pick(item.labels);
  }
  function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function groupName(g) { return meta.groups[g] ? pick(meta.groups[g].names) : g; }
  function relationName(e) {
    if (e.labels) return name(e);
    var names = meta.relations[e.rel];
    return (names ? pick(names) : e.rel) + (e.count ? " (" + e.count + ")" : "");
  }
  function sourceTitle(iri) { return (data.sources[iri] && data.sources[iri].title) || iri; }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//.test(url) ? url : null; }
  function pageOf(iri) {
    if (!meta.linkBase || iri.indexOf(meta.idBase) !== 0) return null;
    return safeUrl(meta.linkBase.replace(/\/+$/, "") + "/" + iri.slice(meta.idBase.length));
  }
  function appendSources(box, sources, links) {
    if (!sources || !sources.length) return;
    box.appendChild(el("div", "Sources:", "kj-kind"));
    var ul = el("ul");
    sources.slice(0, links ? sources.length : 4).forEach(function (s) {
      var li = el("li");
      var url = links && data.sources[s] ? safeUrl(data.sources[s].url) : null;
      if (url) {
        var a = el("a", sourceTitle(s));
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.textContent = sourceTitle(s);
      }
      ul.appendChild(li);
    });
    if (!links && sources.length > 4) ul.appendChild(el("li", "… " + (sources.length - 4) + " more"));
    box.appendChild(ul);
  }

  // ------------------------------------------------------------------ tooltips (DOM elements)
  function nodeTip(n) {
    var box = el("div", null, "kj-tip");
    box.appendChild(el("strong", name(n)));
    box.appendChild(el("div", n.kind === "cluster" ? groupName(n.group) : n.kind, "kj-kind"));
    if (n.dates) box.appendChild(el("div", n.dates));
    if (n.place && byId.has(n.place)) box.appendChild(el("div", "Place: " + name(byId.get(n.place))));
    if (n.count) box.appendChild(el("div", n.count + " entities, e.g. " + (n.members || []).join("; ")));
    appendSources(box, n.sources, false);
    return box;
  }
  function edgeTip(e, links) {
    var box = el("div", null, "kj-tip");
    box.appendChild(el("strong", relationName(e)));
    var from = byId.get(e.from), to = byId.get(e.to);
    box.appendChild(el("div", name(from) + " → " + name(to)));
    if (e.dates) box.appendChild(el("div", e.dates));
    appendSources(box, e.sources, !!links);
    return box;
  }

  // ------------------------------------------------------------------ data sets
  function nodeItem(n) {
    return {id: n.id, label: shorten(name(n), 40), group: n.group, value: n.value, title: nodeTip(n),
            x: n.x, y: n.y, start: n.start, end: n.end};
  }
  function edgeItem(e) {
    return {id: e.id, from: e.from, to: e.to, label: meta.edgeLabels ? shorten(relationName(e), 30) : undefined,
            title: edgeTip(e), start: e.start, end: e.end,
            width: e.count ? Math.min(1 + Math.log(e.count), 8) : 1};
  }
  var nodes = new vis.DataSet(data.nodes.map(nodeItem));
  var edges = new vis.DataSet(data.edges.map(edgeItem));
  var shownNodes = null, shownEdges = null;  // null: no filter
  var nodesView = new vis.DataView(nodes, {filter: function (n) { return shownNodes === null || shownNodes.has(n.id); }});
  var edgesView = new vis.DataView(edges, {filter: function (e) { return shownEdges === null || shownEdges.has(e.id); }});

  // ------------------------------------------------------------------ year filter (rule: see kjgraph.render)
  function overlaps(start, end, lo, hi) { return start <= hi && (end === null || end === undefined || end >= lo); }
  function dated(x) { return x.start !== null && x.start !== undefined; }
  function visible(lo, hi) {
    var shown = new Set(), anchored = new Set(), hasAnchor = new Set();
    data.nodes.forEach(function (n) { if (dated(n) && overlaps(n.start, n.end, lo, hi)) shown.add(n.id); });
    data.edges.forEach(function (e) {
      [[e.from, e.to], [e.to, e.from]].forEach(function (pair) {
        var u = byId.get(pair[0]), v = byId.get(pair[1]);
        if (dated(u)) return;
        if (dated(e)) {
          hasAnchor.add(u.id);
          if (overlaps(e.start, e.end, lo, hi) && (!dated(v) || shown.has(v.id))) anchored.add(u.id);
        } else if (dated(v)) {
          hasAnchor.add(u.id);
          if (shown.has(v.id)) anchored.add(u.id);
        }
      });
    });
    data.nodes.forEach(function (n) {
      if (anchored.has(n.id) || (!dated(n) && !hasAnchor.has(n.id))) shown.add(n.id);
    });
    var shownE = new Set();
    data.edges.forEach(function (e) {
      if (shown.has(e.from) && shown.has(e.to) && (!dated(e) || overlaps(e.start, e.end, lo, hi))) shownE.add(e.id);
    });
    return {nodes: shown, edges: shownE};
  }
  var fromInput = document.getElementById("kj-from"), toInput = document.getElementById("kj-to");
  function showCount() {
    document.getElementById("kj-count").textContent =
      nodesView.length + " of " + nodes.length + " nodes, " + edgesView.length + " of " + edges.length + " edges";
  }
  function setYears(lo, hi) {
    lo = Number(lo); hi = Number(hi);
    if (lo > hi) { var t = lo; lo = hi; hi = t; }
    fromInput.value = lo; toInput.value = hi;
    var v = visible(lo, hi);
    shownNodes = v.nodes; shownEdges = v.edges;
    nodesView.refresh(); edgesView.refresh();
    document.getElementById("kj-period").textContent = lo + " – " + hi;
    showCount();
    return {nodes: nodesView.length, edges: edgesView.length};
  }
  if (meta.years) {
    document.getElementById("kj-years").hidden = false;
    [fromInput, toInput].forEach(function (input) {
      input.min = meta.years[0]; input.max = meta.years[1]; input.step = 1;
      input.addEventListener("input", function () { setYears(fromInput.value, toInput.value); });
    });
    fromInput.value = meta.years[0]; toInput.value = meta.years[1];
    document.getElementById("kj-period").textContent = meta.years[0] + " – " + meta.years[1];
  }

  // ------------------------------------------------------------------ legend, language, details
  function legend() {
    var ul = document.getElementById("kj-legend");
    ul.replaceChildren();
    Object.keys(meta.groups).forEach(function (g) {
      var li = el("li"), sw = el("span", null, "kj-swatch " + meta.groups[g].shape);
      sw.style.background = meta.groups[g].color;
      li.appendChild(sw); li.appendChild(el("span", groupName(g)));
      ul.appendChild(li);
    });
  }
  var select = document.getElementById("kj-lang");
  meta.languages.forEach(function (l) { var o = el("option", l); o.value = l; select.appendChild(o); });
  select.value = lang;
  select.addEventListener("change", function () {
    lang = select.value;
    nodes.update(data.nodes.map(function (n) { return {id: n.id, label: shorten(name(n), 40), title: nodeTip(n)}; }));
    edges.update(data.edges.map(function (e) {
      return {id: e.id, label: meta.edgeLabels ? shorten(relationName(e), 30) : undefined, title: edgeTip(e)};
    }));
    legend();
  });
  legend();

  function row(dl, term, value) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", term));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
  }
  function showNode(n) {
    var box = document.getElementById("kj-details");
    box.replaceChildren();
    box.appendChild(el("h2", name(n)));
    var dl = el("dl");
    row(dl, "kind", n.kind === "cluster" ? groupName(n.group) + " (aggregated)" : n.kind);
    row(dl, "dates", n.dates);
    if (n.place && byId.has(n.place)) row(dl, "place", name(byId.get(n.place)));
    if (n.count) row(dl, "entities", n.count + " (e.g. " + (n.members || []).join("; ") + ")");
    Object.keys(n.labels).forEach(function (l) { row(dl, l || "label", n.labels[l]); });
    if (n.kind !== "cluster") row(dl, "relations", n.value - 1);
    if (n.kind !== "cluster") row(dl, "IRI", el("span", n.id, "kj-iri"));
    box.appendChild(dl);
    var page = n.kind === "cluster" ? null : pageOf(n.id);
    if (page) {
      var a = el("a", "Open the resource page");
      a.href = page; a.id = "kj-resource-link";
      box.appendChild(a);
    }
    appendSources(box, n.sources, true);
  }
  function showEdge(e) {
    var box = document.getElementById("kj-details");
    box.replaceChildren();
    box.appendChild(edgeTip(e, true));
  }

  // ------------------------------------------------------------------ the network
  var big = data.nodes.length > 1000;
  var groups = {};
  Object.keys(meta.groups).forEach(function (g) {
    var c = meta.groups[g].color;
    groups[g] = {shape: meta.groups[g].shape, color: {background: c, border: "#444", highlight: {background: c, border: "#000"}}};
  });
  var options = {
    groups: groups,
    nodes: {font: {size: 14, face: "Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, sans-serif"}, borderWidth: 1,
            scaling: {min: 10, max: 40, label: {enabled: true, min: 14, max: 26, drawThreshold: 4}}},
    edges: {arrows: {to: {enabled: true, scaleFactor: 0.4}}, color: {color: "#a0aab4", highlight: "#333", hover: "#555"},
            font: {size: 9, color: "#555", strokeWidth: 2, align: "middle"},
            smooth: meta.physics ? {type: "dynamic"} : false},
    layout: {randomSeed: meta.seed, improvedLayout: data.nodes.length <= 100},
    interaction: {hover: !big, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
    physics: meta.physics ? {
      solver: "barnesHut",
      barnesHut: {gravitationalConstant: -4000, springLength: 110, springConstant: 0.04, damping: 0.3, avoidOverlap: 0.2},
      stabilization: {enabled: true, iterations: meta.iterations, updateInterval: 50, fit: true},
      minVelocity: 1.5
    } : false
  };
  var network = new vis.Network(document.getElementById("kj-network"), {nodes: nodesView, edges: edgesView}, options);
  var api = window.kjgraph = {
    data: data, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView, network: network,
    setYears: setYears, visible: visible, ready: false, readyMs: null,
    setLanguage: function (l) { select.value = l; select.dispatchEvent(new Event("change")); },
    select: function (id) { if (byId.has(id)) { network.selectNodes([id]); showNode(byId.get(id)); } }
  };
  function ready() {
    if (api.ready) return;
    if (meta.physics) {
      // Freeze the layout: keep positions so nodes the year filter brings back return to their place.
      network.setOptions({physics: false});
      var pos = network.getPositions();
      nodes.update(Object.keys(pos).map(function (id) { return {id: id, x: pos[id].x, y: pos[id].y}; }));
    }
    api.ready = true;
    api.readyMs = performance.now() - started;
    document.body.setAttribute("data-ready", "true");
  }
  if (meta.physics) network.once("stabilizationIterationsDone", ready);
  network.once("afterDrawing", function () { if (!meta.physics) ready(); });
  network.on("click", function (p) {
    if (p.nodes.length) showNode(byId.get(p.nodes[0]));
    else if (p.edges.length) showEdge(data.edges.find(function (e) { return e.id === p.edges[0]; }));
  });
  if (meta.initialYears) setYears(meta.initialYears[0], meta.initialYears[1]); else showCount();
})();
