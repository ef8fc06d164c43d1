// kjgraph render: builds the page of a pyvis network from the JSON blob #kjgraph-data with vis-network.
// Every text from the data goes through textContent (never innerHTML), so labels are shown as text.
// window.kjgraph exposes the DataSets, the filtered DataViews and the controls for tests and users.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kjgraph-data").textContent);
  var meta = data.meta;
  var lang = meta.lang;
  var started = performance.now();
  var byId = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var edgeById = new Map(data.edges.map(function (e) { return [e.id, e]; }));

  // ------------------------------------------------------------------ texts
  function t(id, values) {  // an interface text in the reader's language, {name} placeholders filled
    var table = data.messages[lang] || {};
    var text = table[id] || id;
    if (values) Object.keys(values).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function name(item) {  // names of entities: chosen in Python by RFC 4647 lookup, one per language
    if (!item) return "";
    if (item.names) return item.names[lang] || item.names.en || "";
    return item.label === undefined || item.label === null ? String(item.id) : String(item.label);
  }
  function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function groupName(g) { return meta.groups[g] ? t(meta.groups[g].name) : g; }
  function kindName(n) {
    if (n.kind === "cluster" || n.kind === "group") return groupName(n.group);
    var k = meta.kinds && meta.kinds[n.kind];
    return (k && (k[lang] || k.en)) || n.kind || "";
  }
  function relationName(e) {
    if (e.names) return name(e);
    var rel = meta.relations[e.rel];
    return (rel ? t(rel) : (e.rel || (typeof e.title === "string" ? e.title : ""))) + (e.count ? " (" + e.count + ")" : "");
  }
  function sourceTitle(iri) { return (meta.sources[iri] && meta.sources[iri].title) || iri; }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//.test(url) ? url : null; }
  function pageOf(iri) {
    if (!meta.linkBase || typeof iri !== "string" || iri.indexOf(meta.idBase) !== 0) return null;
    return safeUrl(meta.linkBase.replace(/\/+$/, "") + "/" + iri.slice(meta.idBase.length));
  }
  function appendSources(box, sources, links) {
    if (!sources || !sources.length) return;
    box.appendChild(el("div", t("Sources:"), "kj-kind"));
    var ul = el("ul");
    sources.slice(0, links ? sources.length : 4).forEach(function (s) {
      var li = el("li");
      var url = links && meta.sources[s] ? safeUrl(meta.sources[s].url) : null;
      if (url) {
        var a = el("a", sourceTitle(s));
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.textContent = sourceTitle(s);
      }
      ul.appendChild(li);
    });
    if (!links && sources.length > 4) ul.appendChild(el("li", t("… {n} more", {n: sources.length - 4})));
    box.appendChild(ul);
  }
  function infoLines(box, item) {  // lines prepared in Python per language (timeline, leaders)
    var lines = item.info && (item.info[lang] || item.info.en);
    if (lines) lines.forEach(function (line) { box.appendChild(el("div", line)); });
  }

  // ------------------------------------------------------------------ tooltips (DOM elements)
  function nodeTip(n) {
    var box = el("div", null, "kj-tip");
    box.appendChild(el("strong", name(n)));
    var kind = kindName(n);
    if (kind) box.appendChild(el("div", kind, "kj-kind"));
    if (n.dates) box.appendChild(el("div", n.dates));
    if (n.place && byId.has(n.place)) box.appendChild(el("div", t("Place:") + " " + name(byId.get(n.place))));
    if (n.count && n.members) box.appendChild(el("div", t("{n} entities, e.g. {examples}", {n: n.count, examples: n.members.join("; ")})));
    infoLines(box, n);
    if (!n.names && typeof n.title === "string" && n.title !== n.label) box.appendChild(el("div", n.title));
    if (isCollapsed(n.id)) box.appendChild(el("div", t("Click to show {n} more", {n: hiddenNeighbours(n.id)}), "kj-kind"));
    appendSources(box, n.sources, false);
    return box;
  }
  function edgeTip(e, links) {
    var box = el("div", null, "kj-tip");
    box.appendChild(el("strong", relationName(e)));
    var from = byId.get(e.from), to = byId.get(e.to);
    box.appendChild(el("div", name(from) + " → " + name(to)));
    if (e.dates) box.appendChild(el("div", e.dates));
    if (meta.view === "leaders" && e.meetings) box.appendChild(el("div", windowCountText(e), "kj-kind"));
    infoLines(box, e);
    if (!e.names && !e.rel && typeof e.title === "string" && e.title) box.appendChild(el("div", e.title));
    appendSources(box, e.sources, !!links);
    return box;
  }

  // ------------------------------------------------------------------ entity views: hubs collapsed
  var expanded = new Set();
  var adjacency = new Map();  // undirected, sources left out unless the focus is one
  function isSourceNode(id) { var n = byId.get(id); return n && n.group === "source" && id !== meta.focus; }
  data.edges.forEach(function (e) {
    if (!byId.has(e.from) || !byId.has(e.to) || isSourceNode(e.from) || isSourceNode(e.to)) return;
    [[e.from, e.to], [e.to, e.from]].forEach(function (p) {
      if (!adjacency.has(p[0])) adjacency.set(p[0], new Set());
      adjacency.get(p[0]).add(p[1]);
    });
  });
  var reached = null;  // Map id → depth, or null: every node (the rule of kjgraph.render.reach)
  function computeReach() {
    if (!meta.focus || !byId.has(meta.focus)) { reached = null; return; }
    var hops = meta.hops === null || meta.hops === undefined ? 1 : meta.hops;
    var depth = new Map([[meta.focus, 0]]), queue = [meta.focus];
    while (queue.length) {
      var u = queue.shift(), nu = byId.get(u);
      if ((u !== meta.focus && nu.hub && !expanded.has(u)) || depth.get(u) >= hops) continue;
      Array.from(adjacency.get(u) || []).sort().forEach(function (v) {
        if (!depth.has(v)) { depth.set(v, depth.get(u) + 1); queue.push(v); }
      });
    }
    var leaves = new Set();  // the sources cited by what is shown
    depth.forEach(function (_d, id) {
      (byId.get(id).sources || []).forEach(function (s) { if (byId.has(s)) leaves.add(s); });
    });
    data.edges.forEach(function (e) { if (depth.has(e.from) && isSourceNode(e.to)) leaves.add(e.to); });
    leaves.forEach(function (s) { if (!depth.has(s)) depth.set(s, -1); });
    reached = depth;
  }
  function hiddenNeighbours(id) {
    if (!reached) return 0;
    var n = 0;
    (adjacency.get(id) || []).forEach(function (v) { if (!reached.has(v)) n += 1; });
    return n;
  }
  function isCollapsed(id) {
    var n = byId.get(id);
    return !!(n && n.hub && !expanded.has(id) && reached && reached.has(id) && hiddenNeighbours(id) > 0);
  }
  function toggleHub(id) {
    var n = byId.get(id);
    if (!n || !n.hub) return false;
    var before = reached ? new Set(reached.keys()) : new Set();
    if (expanded.has(id)) expanded.delete(id); else expanded.add(id);
    computeReach();
    // new nodes start on a circle around the hub, so they appear next to what they belong to
    var pos = network.getPositions([id])[id], fresh = [];
    reached.forEach(function (_d, k) { if (!before.has(k)) fresh.push(k); });
    fresh.forEach(function (k, i) {
      var a = 2 * Math.PI * i / Math.max(fresh.length, 1), r = 120 + 6 * fresh.length;
      if (pos) nodes.update({id: k, x: pos.x + r * Math.cos(a), y: pos.y + r * Math.sin(a)});
    });
    refresh();
    return expanded.has(id);
  }

  // ------------------------------------------------------------------ year filter (rule: see kjgraph.render)
  function overlaps(start, end, lo, hi) { return start <= hi && (end === null || end === undefined || end >= lo); }
  function dated(x) { return x.start !== null && x.start !== undefined; }
  function visible(lo, hi) {
    var shown = new Set(), anchored = new Set(), hasAnchor = new Set();
    data.nodes.forEach(function (n) { if (dated(n) && overlaps(n.start, n.end, lo, hi)) shown.add(n.id); });
    data.edges.forEach(function (e) {
      [[e.from, e.to], [e.to, e.from]].forEach(function (pair) {
        var u = byId.get(pair[0]), v = byId.get(pair[1]);
        if (!u || !v || dated(u)) return;
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
  var years = null;  // {lo, hi, nodes, edges} or null: no filter

  // ------------------------------------------------------------------ the leaders' network: counts per period
  function windowCount(e) {
    if (!e.meetings) return e.count || 0;
    if (!years) return e.meetings.length;
    return e.meetings.filter(function (m) { return m[0] >= years.lo && m[0] <= years.hi; }).length;
  }
  function windowCountText(e) {
    var n = windowCount(e);
    return e.ekind === "calls" ? t("{n} calls in the period shown", {n: n}) : t("{n} meetings in the period shown", {n: n});
  }
  function termsOverlap(n) {
    if (!years || !n.terms) return true;
    return n.terms.some(function (r) { return overlaps(r[0], r[1], years.lo, years.hi); });
  }

  // ------------------------------------------------------------------ what is shown
  var hiddenGroups = new Set(meta.hiddenGroups || []);
  var hiddenEdgeKinds = new Set(meta.hiddenEdgeKinds || []);
  function nodeShown(n) {
    if (n.id !== meta.focus && hiddenGroups.has(n.group)) return false;
    if (reached && !reached.has(n.id)) return false;
    if (meta.view === "leaders") return termsOverlap(n) || data.edges.some(function (e) {
      return (e.from === n.id || e.to === n.id) && !hiddenEdgeKinds.has(e.ekind) && windowCount(e) > 0;
    });
    if (years && !years.nodes.has(n.id)) return false;
    return true;
  }
  var shownNodes = new Set(), shownEdges = new Set();
  function computeShown() {
    shownNodes = new Set(data.nodes.filter(nodeShown).map(function (n) { return n.id; }));
    shownEdges = new Set(data.edges.filter(function (e) {
      if (!shownNodes.has(e.from) || !shownNodes.has(e.to) || hiddenEdgeKinds.has(e.ekind)) return false;
      if (meta.view === "leaders") return windowCount(e) > 0;
      return !years || years.edges.has(e.id);
    }).map(function (e) { return e.id; }));
  }

  // ------------------------------------------------------------------ data sets
  function nodeItem(n) {
    var item = Object.assign({}, n);
    var label = n.labelHidden ? " " : shorten(name(n), n.labelMax || 40);
    if (isCollapsed(n.id)) {
      label += " (+" + hiddenNeighbours(n.id) + ")";
      item.shapeProperties = {borderDashes: [5, 3]};
      item.borderWidth = 3;
    } else if (n.hub) {
      item.shapeProperties = {borderDashes: false};
      item.borderWidth = n.borderWidth || 1;
    }
    item.label = label;
    item.title = nodeTip(n);
    return item;
  }
  function edgeItem(e) {
    var item = Object.assign({}, e);
    if (meta.view === "leaders" && e.meetings) {
      var n = windowCount(e);
      item.value = n; item.label = String(n);
    } else if (e.rel || e.names) {
      item.label = meta.edgeLabels ? shorten(relationName(e), 30) : undefined;
    }
    item.title = edgeTip(e);
    return item;
  }
  computeReach();
  var nodes = new vis.DataSet(data.nodes.map(nodeItem));
  var edges = new vis.DataSet(data.edges.map(edgeItem));
  computeShown();
  var nodesView = new vis.DataView(nodes, {filter: function (n) { return shownNodes.has(n.id); }});
  var edgesView = new vis.DataView(edges, {filter: function (e) { return shownEdges.has(e.id); }});

  function showCount() {
    document.getElementById("kj-count").textContent = edges.length ?
      t("{shown} of {total} nodes, {eshown} of {etotal} edges", {
        shown: nodesView.length, total: nodes.length, eshown: edgesView.length, etotal: edges.length}) :
      t("{shown} of {total} shown", {shown: nodesView.length, total: nodes.length});
  }
  function relabel() {
    nodes.update(data.nodes.map(nodeItem));
    edges.update(data.edges.map(edgeItem));
  }
  function refresh() {
    computeShown();
    if (reached || meta.view === "leaders") relabel();  // labels that change: hubs' counts, meetings per period
    nodesView.refresh(); edgesView.refresh();
    legend();
    showCount();
  }

  // ------------------------------------------------------------------ year sliders
  var fromInput = document.getElementById("kj-from"), toInput = document.getElementById("kj-to");
  function setYears(lo, hi) {
    lo = Number(lo); hi = Number(hi);
    if (lo > hi) { var tmp = lo; lo = hi; hi = tmp; }
    fromInput.value = lo; toInput.value = hi;
    var v = visible(lo, hi);
    years = {lo: lo, hi: hi, nodes: v.nodes, edges: v.edges};
    refresh();
    if (meta.view === "leaders" && api && api.ready && shownNodes.size) network.fit({nodes: Array.from(shownNodes), animation: false});
    document.getElementById("kj-period").textContent = lo + " – " + hi;
    return {nodes: nodesView.length, edges: edgesView.length};
  }
  if (meta.years && meta.view !== "timeline") {
    document.getElementById("kj-years").hidden = false;
    [fromInput, toInput].forEach(function (input) {
      input.min = meta.years[0]; input.max = meta.years[1]; input.step = 1;
      input.addEventListener("input", function () { setYears(fromInput.value, toInput.value); });
    });
    fromInput.value = meta.years[0]; toInput.value = meta.years[1];
    document.getElementById("kj-period").textContent = meta.years[0] + " – " + meta.years[1];
  }

  // ------------------------------------------------------------------ legend: groups and edge kinds, with counts and switches
  function legend() {
    var ul = document.getElementById("kj-legend");
    ul.replaceChildren();
    Object.keys(meta.groups).forEach(function (g) {
      var total = data.nodes.filter(function (n) { return n.group === g; }).length;
      var li = el("li"), box = el("input"), sw = el("span", null, "kj-swatch " + (meta.groups[g].shape || "dot"));
      box.type = "checkbox"; box.checked = !hiddenGroups.has(g); box.dataset.group = g;
      box.setAttribute("aria-label", groupName(g));
      box.addEventListener("change", function () { setGroup(g, box.checked); });
      sw.style.background = meta.groups[g].color;
      if (meta.groups[g].border) sw.style.borderColor = meta.groups[g].border;
      li.appendChild(box); li.appendChild(sw);
      li.appendChild(el("span", groupName(g)));
      var shown = 0;
      shownNodes.forEach(function (id) { if (byId.get(id).group === g) shown += 1; });
      li.appendChild(el("span", " (" + (shown === total ? total : t("{shown} of {total}", {shown: shown, total: total})) + ")",
                        "kj-kind kj-n"));
      li.dataset.group = g; li.dataset.count = String(total); li.dataset.shown = String(shown);
      ul.appendChild(li);
    });
    Object.keys(meta.edgeKinds || {}).forEach(function (k) {
      var spec = meta.edgeKinds[k];
      var total = data.edges.filter(function (e) { return e.ekind === k; })
        .reduce(function (sum, e) { return sum + windowCount(e); }, 0);
      var li = el("li"), box = el("input"), sw = el("span", null, "kj-line" + (spec.dashes ? " dashed" : ""));
      box.type = "checkbox"; box.checked = !hiddenEdgeKinds.has(k); box.dataset.edgeKind = k;
      box.setAttribute("aria-label", t(spec.name));
      box.addEventListener("change", function () { setEdgeKind(k, box.checked); });
      sw.style.borderColor = spec.color || "#888";
      li.appendChild(box); li.appendChild(sw); li.appendChild(el("span", t(spec.name)));
      li.appendChild(el("span", " (" + total + ")", "kj-kind kj-n"));
      li.dataset.edgeKind = k; li.dataset.count = String(total);
      ul.appendChild(li);
    });
  }
  function setGroup(g, on) { if (on) hiddenGroups.delete(g); else hiddenGroups.add(g); refresh(); }
  function setEdgeKind(k, on) { if (on) hiddenEdgeKinds.delete(k); else hiddenEdgeKinds.add(k); refresh(); }

  // ------------------------------------------------------------------ language
  var select = document.getElementById("kj-lang");
  meta.languages.forEach(function (l) { var o = el("option", l); o.value = l; select.appendChild(o); });
  select.value = lang;
  function translatePage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.getAttribute("data-i18n")); });
    var title = (meta.titles && (meta.titles[lang] || meta.titles.en)) || document.title;
    document.getElementById("kj-title").textContent = title;
    document.title = title;
  }
  select.addEventListener("change", function () {
    lang = select.value;
    translatePage();
    relabel(); legend(); showCount();
    if (timeline) { timeline.periods(); placeTimeline(); }
  });

  // ------------------------------------------------------------------ details
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
    row(dl, t("kind"), kindName(n) + (n.kind === "cluster" ? " (" + t("aggregated") + ")" : ""));
    row(dl, t("dates"), n.dates);
    if (n.place && byId.has(n.place)) row(dl, t("place"), name(byId.get(n.place)));
    if (n.count && n.members) row(dl, t("entities"), n.count + " (" + (n.members || []).join("; ") + ")");
    Object.keys(n.labels || {}).forEach(function (l) { row(dl, l || t("label"), n.labels[l]); });
    if (n.kind !== "cluster" && n.kind !== "group" && adjacency.has(n.id)) row(dl, t("relations"), adjacency.get(n.id).size);
    if (typeof n.id === "string" && n.id.indexOf("://") > 0) row(dl, t("IRI"), el("span", n.id, "kj-iri"));
    box.appendChild(dl);
    infoLines(box, n);
    if (n.hub && reached) {
      var button = el("button", expanded.has(n.id) ? t("Hide its neighbours") : t("Show its {n} hidden neighbours", {n: hiddenNeighbours(n.id)}));
      button.id = "kj-expand";
      button.addEventListener("click", function () { toggleHub(n.id); showNode(n); });
      box.appendChild(button);
    }
    var page = n.kind === "cluster" || n.kind === "group" ? null : pageOf(n.page || n.id);
    if (page) {
      var a = el("a", t("Open the resource page"));
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

  // ------------------------------------------------------------------ the timeline: lanes, a time axis, zoom by period
  // Zooming to a period stretches the time axis (x) and keeps the marks' size and the lanes' height:
  // positions are recomputed from each node's years (at, until), crowded marks stacked in their lane.
  var timeline = null;
  var tls = meta.timeline ? {lo: meta.timeline.extent[0], hi: meta.timeline.extent[1], ppy: meta.timeline.pxPerYear} : null;
  function tx(year) { return (year - tls.lo) * tls.ppy; }
  function placeTimeline() {
    var slots = {}, moved = [];
    data.nodes.filter(function (n) { return n.at !== undefined; })
      .sort(function (a, b) { return a.at - b.at || (a.id < b.id ? -1 : 1); })
      .forEach(function (n) {
        var item = {id: n.id};
        if (n.until !== undefined) {
          var w = Math.max((n.until - n.at) * tls.ppy, 3);
          item.x = tx(n.at) + w / 2; item.y = n.laneY + (n.dy || 0);
          item.widthConstraint = {minimum: w, maximum: w};
          item.label = w < 60 ? " " : shorten(name(n), Math.max(4, Math.floor(w / 9)));
        } else {
          var lane = slots[n.lane] = slots[n.lane] || [], x = tx(n.at), i = 0;
          while (i < lane.length && x - lane[i] < 18) i += 1;
          lane[i] = x;
          item.x = x; item.y = n.laneY + (i % 2 ? -1 : 1) * Math.ceil(i / 2) * 19;
        }
        moved.push(item);
      });
    nodes.update(moved);
  }
  function setupTimeline() {
    var tl = meta.timeline;
    var controls = document.getElementById("kj-zoom");
    controls.hidden = false;
    var zfrom = document.getElementById("kj-zoom-from"), zto = document.getElementById("kj-zoom-to");
    var presets = document.getElementById("kj-periods");
    [zfrom, zto].forEach(function (input) { input.min = Math.floor(tl.extent[0]); input.max = Math.ceil(tl.extent[1]); });
    function zoom(lo, hi) {
      lo = Number(lo); hi = Number(hi);
      if (!(hi > lo)) hi = lo + 1;
      var box = document.getElementById("kj-network");
      var width = box.clientWidth || 1000, height = box.clientHeight || 700;
      var scale = Math.min(height / (tl.bottom - tl.top + 60), 2);
      tls = {lo: lo, hi: hi, ppy: width / scale / (hi - lo) * 0.97};
      placeTimeline();
      network.moveTo({position: {x: tx((lo + hi) / 2), y: (tl.top + tl.bottom + 30) / 2}, scale: scale, animation: false});
      zfrom.value = Math.floor(lo); zto.value = Math.max(Math.floor(lo), Math.ceil(hi) - 1);
      api.zoomed = [lo, hi];
      return api.zoomed;
    }
    function periods() {
      var keep = presets.value;
      presets.replaceChildren();
      var all = el("option", t("All years")); all.value = tl.extent[0] + ":" + tl.extent[1]; presets.appendChild(all);
      (tl.periods || []).forEach(function (p) {
        var o = el("option", (p.names && (p.names[lang] || p.names.en)) || (p.label || ""));
        o.value = p.from + ":" + p.to; presets.appendChild(o);
      });
      if (keep) presets.value = keep;
    }
    periods();
    presets.addEventListener("change", function () { var v = presets.value.split(":"); zoom(v[0], v[1]); });
    document.getElementById("kj-zoom-go").addEventListener("click", function () { zoom(zfrom.value, Number(zto.value) + 1); });
    network.on("beforeDrawing", function (ctx) {  // lanes and the years, under the marks
      var top = tl.top, bottom = tl.bottom, scale = Math.max(network.getScale(), 0.05);
      var left = tx(tl.extent[0]) - 30, right = tx(tl.extent[1]) + 30;
      (tl.lanes || []).forEach(function (lane, i) {
        ctx.fillStyle = i % 2 ? "#fbfbfc" : "#eef2f7";
        ctx.fillRect(left, lane.y - lane.height / 2, right - left, lane.height);
      });
      var first = Math.floor(tl.extent[0]), last = Math.ceil(tl.extent[1]);
      var perYear = scale * tls.ppy, step = perYear < 7 ? 10 : perYear < 35 ? 5 : 1;
      ctx.font = (12 / scale) + "px sans-serif";
      for (var y = first; y <= last; y += 1) {
        if (y % step) continue;
        ctx.strokeStyle = y % 10 === 0 ? "#9aa3ad" : "#d5dbe2";
        ctx.lineWidth = (y % 10 === 0 ? 1.5 : 1) / scale;
        ctx.beginPath(); ctx.moveTo(tx(y), top); ctx.lineTo(tx(y), bottom); ctx.stroke();
        ctx.fillStyle = "#444";
        ctx.fillText(String(y), tx(y) + 3 / scale, bottom + 14 / scale);
      }
      // lane names at the left edge of the view, wherever it is scrolled to
      var view = network.DOMtoCanvas({x: 4, y: 0});
      ctx.font = (11 / scale) + "px sans-serif";
      (tl.lanes || []).forEach(function (lane) {
        var label = t(lane.name), lx = Math.max(view.x, left) + 2 / scale, ly = lane.y - lane.height / 2 + 12 / scale;
        ctx.fillStyle = "rgba(255,255,255,0.8)";
        ctx.fillRect(lx - 2 / scale, ly - 11 / scale, ctx.measureText(label).width + 4 / scale, 14 / scale);
        ctx.fillStyle = "#333";
        ctx.fillText(label, lx, ly);
      });
    });
    return {zoom: zoom, periods: periods};
  }

  // ------------------------------------------------------------------ the network
  var options = data.options || {};
  if (!options.groups) options.groups = {};
  Object.keys(meta.groups).forEach(function (g) {  // groups of the legend that the options do not style
    if (options.groups[g]) return;
    var c = meta.groups[g].color;
    options.groups[g] = {shape: meta.groups[g].shape, color: {background: c, border: "#444", highlight: {background: c, border: "#000"}}};
  });
  delete options.configure;
  var network = new vis.Network(document.getElementById("kj-network"), {nodes: nodesView, edges: edgesView}, options);
  var api = window.kjgraph = {
    data: data, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView, network: network,
    setYears: setYears, visible: visible, ready: false, readyMs: null, expanded: expanded, zoomed: null,
    toggleHub: toggleHub, setGroup: setGroup, setEdgeKind: setEdgeKind, isCollapsed: isCollapsed,
    setLanguage: function (l) { select.value = l; select.dispatchEvent(new Event("change")); },
    select: function (id) { if (byId.has(id)) { network.selectNodes([id]); showNode(byId.get(id)); } },
    windowCount: function (id) { return windowCount(edgeById.get(id)); }
  };
  if (meta.view === "timeline" && meta.timeline) {
    timeline = setupTimeline();
    api.zoom = timeline.zoom;
  }
  function ready() {
    if (api.ready) return;
    if (meta.physics) {
      // Freeze the layout: keep positions so nodes brought back by a filter return to their place.
      network.setOptions({physics: false});
      var pos = network.getPositions();
      nodes.update(Object.keys(pos).map(function (id) { return {id: id, x: pos[id].x, y: pos[id].y}; }));
      network.fit({animation: false});
    }
    if (timeline) timeline.zoom.apply(null, meta.timeline.initial || meta.timeline.extent);
    api.ready = true;
    api.readyMs = performance.now() - started;
    document.body.setAttribute("data-ready", "true");
  }
  if (meta.physics) network.once("stabilizationIterationsDone", ready);
  network.once("afterDrawing", function () { if (!meta.physics) ready(); });
  network.on("click", function (p) {
    if (p.nodes.length) {
      var n = byId.get(p.nodes[0]);
      if (n && n.hub && reached) toggleHub(n.id);
      showNode(n);
    } else if (p.edges.length) {
      showEdge(edgeById.get(p.edges[0]));
    }
  });
  translatePage();
  legend();
  if (meta.initialYears && meta.view !== "timeline") setYears(meta.initialYears[0], meta.initialYears[1]); else showCount();
})();
