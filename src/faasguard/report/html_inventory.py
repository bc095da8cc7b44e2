# ruff: noqa: E501 - the page and its script are embedded verbatim below
r"""``faasguard inventory -f html``: the inventory and its history over time, one offline page.

Escaped exactly as the scan report (:mod:`faasguard.report.html`): a Jinja2 template with
autoescaping on, the data in one JSON island with ``<``, ``>`` and ``&`` as ``\u`` escapes, and
a script that builds the page with ``textContent`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from faasguard._version import __version__
from faasguard.report.html import json_island

if TYPE_CHECKING:
    from faasguard.history.interface import InventoryRow, StoredScan

__all__ = ["render_inventory_html"]


def render_inventory_html(scans: Sequence[StoredScan], rows: Sequence[InventoryRow]) -> str:
    """The page: a chart of functions and findings per recorded scan, and the function table."""
    from jinja2 import Environment

    data: dict[str, Any] = {
        "scans": [
            {
                "id": s.id,
                "target": s.target,
                "at": s.started_at.isoformat(),
                "functions": s.functions,
                "findings": s.findings,
            }
            for s in scans
        ],
        "functions": [
            {
                "application": r.record.application,
                "name": r.record.name,
                "owner": r.record.owner,
                "runtime": r.record.runtime,
                "first_seen": r.first_seen.isoformat(),
                "last_seen": r.last_seen.isoformat(),
                "cost": None if r.record.cost_per_hour is None else str(r.record.cost_per_hour),
                "unused": r.record.unused,
                "findings": sum(r.record.finding_counts.values()),
            }
            for r in rows
        ],
    }
    env = Environment(autoescape=True)
    return env.from_string(_PAGE).render(
        version=__version__, data=json_island(data), script=_SCRIPT
    )


_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>faasguard inventory</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#1b1f24}table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left}th{background:#f6f8fa;cursor:pointer}
.line-functions{stroke:#0969da;fill:none;stroke-width:2}.line-findings{stroke:#cf222e;fill:none;stroke-width:2}
.axis{font-size:11px;fill:#57606a}
</style>
</head>
<body>
<h1>faasguard inventory</h1><p>faasguard {{ version }}</p>
<h2>Over time</h2><div id="chart" role="img" aria-label="functions and findings per scan"></div>
<p><span style="color:#0969da">&#9632; functions</span> <span style="color:#cf222e">&#9632; findings</span></p>
<h2>Functions</h2><input id="filter" type="search" placeholder="Filter..." aria-label="filter functions">
<table id="inventory"><thead><tr><th data-key="application">Application</th><th data-key="name">Function</th><th data-key="owner">Owner</th><th data-key="runtime">Runtime</th><th data-key="first_seen">First seen</th><th data-key="last_seen">Last seen</th><th data-key="cost">Cost ceiling ($/h)</th><th data-key="unused">Unused</th><th data-key="findings">Findings</th></tr></thead><tbody></tbody></table>
<script type="application/json" id="fg-data">{{ data | safe }}</script>
<script>{{ script | safe }}</script>
</body>
</html>
"""

_SCRIPT: Final = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fg-data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }
  (function chart() {
    var scans = data.scans, width = 640, height = 200, pad = 30;
    var svg = svgEl("svg", {width: width, height: height});
    var max = scans.reduce(function (m, s) { return Math.max(m, s.functions, s.findings); }, 1);
    function x(i) { return pad + (scans.length < 2 ? 0 : i * (width - 2 * pad) / (scans.length - 1)); }
    function y(v) { return height - pad - v * (height - 2 * pad) / max; }
    ["functions", "findings"].forEach(function (key) {
      var points = scans.map(function (s, i) { return x(i) + "," + y(s[key]); }).join(" ");
      svg.appendChild(svgEl("polyline", {points: points, "class": "line-" + key, "data-series": key}));
    });
    scans.forEach(function (s, i) {
      var label = svgEl("text", {x: x(i), y: height - 8, "class": "axis", "text-anchor": "middle"});
      label.textContent = "#" + s.id + " " + s.at.slice(0, 10);
      svg.appendChild(label);
    });
    var top = svgEl("text", {x: 2, y: pad, "class": "axis"});
    top.textContent = String(max);
    svg.appendChild(top);
    document.getElementById("chart").appendChild(svg);
  })();
  var rows = data.functions.slice();
  var state = {key: null, dir: 1};
  function render() {
    var body = document.querySelector("#inventory tbody");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    var text = document.getElementById("filter").value.toLowerCase();
    rows.forEach(function (r) {
      var hay = [r.application, r.name, r.owner || "", r.runtime || ""].join(" ").toLowerCase();
      if (text && hay.indexOf(text) < 0) { return; }
      var tr = document.createElement("tr");
      [r.application, r.name, r.owner || "", r.runtime || "", r.first_seen.slice(0, 16),
       r.last_seen.slice(0, 16), r.cost || "", r.unused ? "yes" : "", r.findings].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = String(v); tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("#inventory th"), function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      state.dir = state.key === key ? -state.dir : 1; state.key = key;
      rows.sort(function (a, b) {
        var p = a[key], q = b[key];
        if (key === "cost") { p = p === null ? -1 : parseFloat(p); q = q === null ? -1 : parseFloat(q); }
        return (p < q ? -1 : p > q ? 1 : 0) * state.dir;
      });
      render();
    });
  });
  document.getElementById("filter").addEventListener("input", render);
  render();
  document.body.setAttribute("data-ready", "1");
})();
"""
