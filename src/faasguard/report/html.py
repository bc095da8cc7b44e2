# ruff: noqa: E501 - the page, its style and its script are embedded verbatim below
r"""The HTML report: one self-contained file people click through (no network at view time).

Escaped by construction, two ways:

- the page is a Jinja2 template with autoescaping on, and it interpolates no scanned value
  into markup: everything from the scan travels as one JSON island
  (``<script type="application/json">``) in which ``<``, ``>``, ``&`` and the two JavaScript
  line separators are written as ``\\u`` escapes, so no value can close the script element;
- the page's script builds every element with ``createElement`` and ``textContent``, never
  ``innerHTML``, so a value is always text, whatever it contains.

A function named ``</script><img src=x onerror=alert(1)>`` is shown as that text and runs
nothing (tests/estate/test_estate_html.py checks it in a real headless Chromium).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any, Final

from faasguard._version import __version__

if TYPE_CHECKING:
    from faasguard.engine import ScanResult
    from faasguard.findings import Finding
    from faasguard.iam.needed.compare import FunctionPermissions
    from faasguard.model import Application, Function

__all__ = ["json_island", "render_html", "report_data"]

_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_island(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script>`` (no ``</script>``, no ``<!--``).

    ``str.replace`` runs in C: a character-by-character join took a second on the 18 MB island
    of 2,000 functions with their permission tables.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return text


def report_data(result: ScanResult) -> dict[str, Any]:
    """Everything the page shows, as plain JSON values."""
    from faasguard.cost.ceiling import worst_case_hour

    by_function: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        if finding.function:
            by_function.setdefault((finding.application, finding.function), []).append(finding)
    egress = {(e.application, e.function): e for e in result.egress}
    deps = {(d.application, d.function): d for d in result.dependencies}
    perms = {(p.application, p.function.name): p for p in result.permissions}
    action_sets: dict[tuple[str, ...], int] = {}
    functions = []
    for app in result.applications:
        for fn in app.functions:
            key = (app.name, fn.name)
            ceiling = worst_case_hour(fn, app)
            functions.append(
                {
                    "application": app.name,
                    "name": fn.name,
                    "file": fn.location.file,
                    "line": fn.location.line,
                    "runtime": _text(fn.runtime),
                    "description": _text(fn.description),
                    "owner": _owner(fn),
                    "triggers": [
                        {
                            "kind": t.kind.value,
                            "route": " ".join(
                                _text(v) or "" for v in (t.method, t.path) if v is not None
                            ),
                            "source": _text(t.source),
                            "auth": t.auth.value,
                            "public": t.internet_reachable is True,
                        }
                        for t in fn.triggers
                    ],
                    "role": _role(app, fn),
                    # Granted versus needed, when the scan ran the needed-permissions analysis
                    # with detail (report/permissions.py); None when it did not.
                    "permissions": _permissions(perms.get(key), action_sets),
                    "cost": None
                    if ceiling is None
                    else {
                        "usd_per_hour": str(ceiling.usd_per_hour),
                        "entry": ceiling.entry,
                        "explain": ceiling.explain(),
                        "assumptions": list(ceiling.assumptions),
                    },
                    "egress": [
                        {"host": h.host, "scheme": h.scheme, "file": h.file, "line": h.line}
                        for h in (egress[key].hosts if key in egress else ())
                    ],
                    "packages": [
                        {"name": p.name, "version": p.version, "ecosystem": p.ecosystem}
                        for p in (deps[key].packages if key in deps else ())
                    ],
                    "findings": [f.fingerprint for f in by_function.get(key, [])],
                }
            )
    findings = [
        {
            "id": f.fingerprint,
            "rule": f.rule_id,
            "name": f.rule_name,
            "category": f.category,
            "severity": f.severity.value,
            "confidence": f.confidence.value,
            "application": f.application,
            "function": f.function,
            "file": f.file,
            "line": f.line,
            "message": f.message,
            "remediation": f.remediation,
            "trace": [{"file": s.file, "line": s.line, "what": s.what} for s in f.trace],
            "package": None
            if f.package is None
            else f"{f.package.ecosystem}:{f.package.name}@{f.package.version or '?'}",
            "vulnerability": None if f.vulnerability is None else f.vulnerability.id,
        }
        for f in result.findings
    ]
    families = Counter(f.category.split(".", 1)[0] for f in result.findings)
    return {
        "root": result.root,
        "version": __version__,
        "notices": list(result.notices),
        "findings": findings,
        "functions": functions,
        "by_concern": dict(sorted(families.items())),
        "by_severity": dict(Counter(f.severity.value for f in result.findings)),
        "action_sets": [list(actions) for actions in action_sets],
    }


def render_html(result: ScanResult) -> str:
    """The report as one HTML document."""
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_PAGE)
    return template.render(
        title=f"faasguard report: {result.root}",
        version=__version__,
        data=json_island(report_data(result)),
        style=_STYLE,
        script=_SCRIPT,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    expression = getattr(value, "expression", None)
    return str(expression) if expression is not None else str(value)


def _permissions(
    perm: FunctionPermissions | None, action_sets: dict[tuple[str, ...], int]
) -> dict[str, Any] | None:
    """The function's granted versus needed; the policy as the text the page copies.

    The text keeps the policy's own key order (``Version`` first, ``Effect`` before
    ``Action``), which the sorted JSON island would not. A row's unused actions are an index
    into the page's ``action_sets``: functions sharing a role share the same long lists
    (``dynamodb:*`` is 79 actions), and writing each list once took the benchmark's
    2,000-function page from 17.2 MB to 12.5 MB (bench/README.md).
    """
    if perm is None:
        return None
    from faasguard.report.permissions import permissions_json

    data = permissions_json(perm)
    for row in data["rows"]:
        actions = tuple(row.pop("actions"))
        row["actions_set"] = action_sets.setdefault(actions, len(action_sets)) if actions else None
    # The page shows and copies the text; the document itself would only double the island.
    del data["policy"]
    data["policy_text"] = json.dumps(perm.policy, indent=2)
    return data


def _owner(fn: Function) -> str | None:
    for key, value in fn.tags.items():
        if key.lower() in ("owner", "team") and isinstance(value, str):
            return value
    return None


def _role(app: Application, fn: Function) -> dict[str, Any] | None:
    role = app.role(fn.role)
    if role is None:
        return {"id": fn.role, "actions": [], "managed": []} if fn.role else None
    actions = sorted(
        {_text(a) or "" for s in role.statements if s.effect == "Allow" for a in s.actions}
    )
    return {
        "id": role.id,
        "actions": actions,
        "managed": [_text(p) for p in role.managed_policies],
    }


# The page. Nothing from the scan is interpolated here except `data`, which json_island made
# safe; `style` and `script` are constants of this module, marked safe by the template.
_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ style | safe }}</style>
</head>
<body>
<header><h1>{{ title }}</h1><p class="muted">faasguard {{ version }}</p></header>
<main>
<section id="summary"><h2>Findings by concern</h2><div id="chart" role="img" aria-label="findings by concern"></div><ul id="notices"></ul></section>
<section><h2>Findings</h2>
<div class="filters">
<input id="filter-text" type="search" placeholder="Filter: rule, function, message..." aria-label="filter findings">
<select id="filter-severity" aria-label="severity"><option value="">any severity</option><option>critical</option><option>high</option><option>medium</option><option>low</option><option>info</option></select>
<span id="shown"></span>
</div>
<table id="findings"><thead><tr><th data-key="severity">Severity</th><th data-key="rule">Rule</th><th data-key="category">Category</th><th data-key="function">Function</th><th data-key="file">Where</th><th data-key="message">Message</th></tr></thead><tbody></tbody></table>
<button id="more-findings" type="button" hidden>Show every matching finding</button>
</section>
<section><h2>Functions</h2>
<div class="filters"><input id="filter-functions" type="search" placeholder="Filter functions..." aria-label="filter functions"></div>
<table id="functions"><thead><tr><th data-key="application">Application</th><th data-key="name">Function</th><th data-key="runtime">Runtime</th><th data-key="owner">Owner</th><th data-key="cost">Cost ceiling ($/h)</th><th data-key="count">Findings</th></tr></thead><tbody></tbody></table>
<button id="more-functions" type="button" hidden>Show every matching function</button>
<div id="dossier" hidden></div>
</section>
</main>
<script type="application/json" id="fg-data">{{ data | safe }}</script>
<script>{{ script | safe }}</script>
</body>
</html>
"""

_STYLE: Final = """
body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header{background:#24292f;color:#fff;padding:12px 24px}header h1{font-size:18px;margin:0}
.muted{color:#8c959f;margin:4px 0 0}main{padding:0 24px 24px}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f6f8fa;user-select:none}th.sorted-asc::after{content:" \\25B2"}
th.sorted-desc::after{content:" \\25BC"}tr.clickable{cursor:pointer}tr.clickable:hover{background:#f3f6fa}
.filters{margin:8px 0;display:flex;gap:8px;align-items:center}
.sev-critical,.sev-high{color:#cf222e;font-weight:600}.sev-medium{color:#9a6700}.sev-low,.sev-info{color:#57606a}
.bar{fill:#0969da}.bar-label{font-size:12px}#dossier{background:#fff;border:1px solid #d0d7de;padding:12px;margin-top:12px}
pre{white-space:pre-wrap;font-size:12px}
#perm-table{table-layout:fixed}#perm-table td{overflow-wrap:anywhere}
#perm-table th:nth-child(1){width:8%}#perm-table th:nth-child(2){width:16%}#perm-table th:nth-child(3){width:21%}
#perm-table th:nth-child(4){width:15%}#perm-table th:nth-child(5){width:16%}.action-list{font-size:12px;overflow-wrap:normal}#perm-table td.cell-list div+div{margin-top:2px}.st-missing td:first-child{color:#cf222e;font-weight:600}
.st-undecided td:first-child,.st-unknown td:first-child,.st-unjudged td:first-child{color:#9a6700}
.st-unneeded td:first-child{color:#bc4c00;font-weight:600}.st-granted td:first-child,.st-framework td:first-child,.st-conditional td:first-child{color:#1a7f37}
#perm-summary{margin:4px 0}details.actions summary{cursor:pointer}
"""

_SCRIPT: Final = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fg-data").textContent);
  // Tables draw PAGE rows until asked for all: a 10,000-row table costs seconds of layout.
  var PAGE = 200, showAll = {findings: false, functions: false};
  var SEV = {critical: 0, high: 1, medium: 2, low: 3, info: 4};
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // Chart of findings by concern: SVG built from DOM nodes, labels as text.
  (function chart() {
    var NS = "http://www.w3.org/2000/svg";
    var entries = Object.keys(data.by_concern).map(function (k) { return [k, data.by_concern[k]]; });
    var max = entries.reduce(function (m, e) { return Math.max(m, e[1]); }, 1);
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("width", "520"); svg.setAttribute("height", String(22 * entries.length + 4));
    entries.forEach(function (e, i) {
      var label = document.createElementNS(NS, "text");
      label.setAttribute("x", "0"); label.setAttribute("y", String(22 * i + 15));
      label.setAttribute("class", "bar-label"); label.textContent = e[0];
      var bar = document.createElementNS(NS, "rect");
      bar.setAttribute("x", "110"); bar.setAttribute("y", String(22 * i + 3));
      bar.setAttribute("height", "16"); bar.setAttribute("width", String(Math.max(2, 360 * e[1] / max)));
      bar.setAttribute("class", "bar");
      var count = document.createElementNS(NS, "text");
      count.setAttribute("x", String(116 + 360 * e[1] / max)); count.setAttribute("y", String(22 * i + 15));
      count.setAttribute("class", "bar-label"); count.textContent = String(e[1]);
      svg.appendChild(label); svg.appendChild(bar); svg.appendChild(count);
    });
    document.getElementById("chart").appendChild(svg);
    var notices = document.getElementById("notices");
    data.notices.forEach(function (n) { notices.appendChild(el("li", n)); });
  })();

  function sortable(table, rows, render) {
    var state = {key: null, dir: 1};
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) {
      th.addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.dir = state.key === key ? -state.dir : 1; state.key = key;
        Array.prototype.forEach.call(table.querySelectorAll("th"), function (other) { other.className = ""; });
        th.className = state.dir > 0 ? "sorted-asc" : "sorted-desc";
        rows.sort(function (a, b) {
          var x = a.sortKey(key), y = b.sortKey(key);
          return (x < y ? -1 : x > y ? 1 : 0) * state.dir;
        });
        render();
      });
    });
  }

  // Findings table.
  var findingTable = document.getElementById("findings");
  var findingRows = data.findings.map(function (f) {
    return {
      item: f,
      text: [f.rule, f.name, f.category, f.function || "", f.file, f.message, f.application].join(" ").toLowerCase(),
      sortKey: function (k) {
        if (k === "severity") { return SEV[f.severity]; }
        if (k === "file") { return f.file + ":" + String(f.line || 0).padStart(8, "0"); }
        return String(f[k] || "");
      }
    };
  });
  function renderFindings() {
    var body = findingTable.tBodies[0]; clear(body);
    var text = document.getElementById("filter-text").value.toLowerCase();
    var severity = document.getElementById("filter-severity").value;
    var shown = 0, drawn = 0, fragment = document.createDocumentFragment();
    findingRows.forEach(function (row) {
      var f = row.item;
      if (severity && f.severity !== severity) { return; }
      if (text && row.text.indexOf(text) < 0) { return; }
      shown += 1;
      if (!showAll.findings && drawn >= PAGE) { return; }
      drawn += 1;
      var tr = el("tr");
      tr.setAttribute("data-id", f.id);
      tr.appendChild(el("td", f.severity, "sev-" + f.severity));
      tr.appendChild(el("td", f.rule));
      tr.appendChild(el("td", f.category));
      tr.appendChild(el("td", f.function || ""));
      tr.appendChild(el("td", f.line ? f.file + ":" + f.line : f.file));
      var message = el("td", f.message);
      if (f.trace.length) {
        var pre = el("pre", f.trace.map(function (s) { return s.file + ":" + s.line + "  " + s.what; }).join("\n"));
        message.appendChild(pre);
      }
      tr.appendChild(message);
      fragment.appendChild(tr);
    });
    body.appendChild(fragment);
    document.getElementById("shown").textContent = shown + " of " + findingRows.length + " findings" +
      (drawn < shown ? " (first " + drawn + " drawn)" : "");
    document.getElementById("more-findings").hidden = drawn >= shown;
  }
  document.getElementById("more-findings").addEventListener("click", function () {
    showAll.findings = true; renderFindings();
  });
  document.getElementById("filter-text").addEventListener("input", renderFindings);
  document.getElementById("filter-severity").addEventListener("change", renderFindings);
  sortable(findingTable, findingRows, renderFindings);
  renderFindings();

  // Functions table and dossier.
  var byId = {};
  data.findings.forEach(function (f) { byId[f.id] = f; });
  var functionTable = document.getElementById("functions");
  var functionRows = data.functions.map(function (fn) {
    return {
      item: fn,
      text: [fn.application, fn.name, fn.runtime || "", fn.owner || ""].join(" ").toLowerCase(),
      sortKey: function (k) {
        if (k === "cost") { return fn.cost ? parseFloat(fn.cost.usd_per_hour) : -1; }
        if (k === "count") { return fn.findings.length; }
        return String(fn[k] || "");
      }
    };
  });
  function dossier(fn) {
    var box = document.getElementById("dossier"); clear(box); box.hidden = false;
    box.appendChild(el("h3", fn.application + " / " + fn.name));
    if (fn.description) { box.appendChild(el("p", fn.description)); }
    box.appendChild(el("h4", "Triggers"));
    var triggers = el("ul");
    fn.triggers.forEach(function (t) {
      triggers.appendChild(el("li", t.kind + (t.route ? " " + t.route : "") + (t.source ? " " + t.source : "") +
        " (auth: " + t.auth + (t.public ? ", internet-facing" : "") + ")"));
    });
    box.appendChild(triggers);
    if (fn.role) {
      box.appendChild(el("h4", "Role " + (fn.role.id || "")));
      box.appendChild(el("p", "Allows: " + (fn.role.actions.join(", ") || "nothing inline") +
        (fn.role.managed.length ? "; managed: " + fn.role.managed.join(", ") : "")));
    }
    permissions(box, fn);
    if (fn.cost) {
      box.appendChild(el("h4", "Cost ceiling: $" + fn.cost.usd_per_hour + " per hour (" + fn.cost.entry + ")"));
      box.appendChild(el("p", fn.cost.explain));
    }
    if (fn.egress.length) {
      box.appendChild(el("h4", "Egress"));
      box.appendChild(el("p", fn.egress.map(function (h) { return (h.scheme ? h.scheme + "://" : "") + h.host; }).join(", ")));
    }
    if (fn.packages.length) {
      box.appendChild(el("h4", "Dependencies"));
      box.appendChild(el("p", fn.packages.map(function (p) { return p.name + "@" + (p.version || "?"); }).join(", ")));
    }
    box.appendChild(el("h4", "Findings"));
    var list = el("ul");
    fn.findings.forEach(function (id) {
      var f = byId[id]; if (!f) { return; }
      var li = el("li", f.severity + " " + f.rule + ": " + f.message);
      if (f.trace.length) {
        li.appendChild(el("pre", f.trace.map(function (s) { return s.file + ":" + s.line + "  " + s.what; }).join("\n")));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  // Granted versus needed: one row per need, per statement granting unneeded actions, and per
  // unresolved need; sortable and filterable like the tables above.
  var STATUS = {
    missing: "needed, not granted", undecided: "needed, grant unknown", unknown: "unknown need",
    unneeded: "granted, not needed", unjudged: "granted, need not judged",
    conditional: "needed, granted with a Condition", framework: "needed, granted by the framework",
    granted: "needed, granted"
  };
  var STATUS_ORDER = Object.keys(STATUS), ENTRIES = 6;
  function where(loc) { return loc.line ? loc.file + ":" + loc.line : loc.file; }
  function grantText(g) {
    return g.statement + " (" + where(g.location) + ")" + (g.conditional ? " [with a Condition]" : "");
  }
  function actionsOf(row) { return row.actions_set === null ? [] : data.action_sets[row.actions_set]; }
  function listCell(items) {
    var td = el("td", null, "cell-list");
    items.forEach(function (item) { td.appendChild(el("div", item)); });
    return td;
  }
  function permissions(box, fn) {
    var p = fn.permissions;
    box.appendChild(el("h4", "Granted versus needed"));
    if (!p) {
      box.appendChild(el("p", "Not analysed in this scan (the needed-permissions analysis reads the function's code)."));
      return;
    }
    var counts = {};
    p.rows.forEach(function (r) { counts[r.status] = (counts[r.status] || 0) + 1; });
    box.appendChild(el("p", "Role " + (p.role || "none") + ": " + STATUS_ORDER.filter(function (s) { return counts[s]; })
      .map(function (s) { return STATUS[s] + ": " + counts[s]; }).join("; ") +
      (p.shared_count ? "; shared with " + p.shared_with.join(", ") +
        (p.shared_count > p.shared_with.length ? " and " + (p.shared_count - p.shared_with.length) + " more" : "") : "") +
      (p.complete ? "" : "; some needs are unknown, so unused grants are not judged"), null)).id = "perm-summary";
    var filters = el("div", null, "filters");
    var input = el("input"); input.id = "perm-filter"; input.type = "search";
    input.placeholder = "Filter: action, resource, evidence..."; input.setAttribute("aria-label", "filter permissions");
    var select = el("select"); select.id = "perm-status"; select.setAttribute("aria-label", "status");
    select.appendChild(el("option", "any status")).value = "";
    STATUS_ORDER.forEach(function (s) { if (counts[s]) { select.appendChild(el("option", STATUS[s])).value = s; } });
    var shown = el("span"); shown.id = "perm-shown";
    filters.appendChild(input); filters.appendChild(select); filters.appendChild(shown);
    box.appendChild(filters);
    var table = el("table"); table.id = "perm-table";
    var head = el("tr");
    [["status", "Status"], ["action", "Action"], ["resources", "Resources"], ["evidence", "Needed by"],
     ["granted_by", "Granted by"], ["note", "Note"]].forEach(function (h) {
      head.appendChild(el("th", h[1])).setAttribute("data-key", h[0]);
    });
    table.appendChild(el("thead")).appendChild(head);
    table.appendChild(el("tbody"));
    box.appendChild(table);
    var rows = p.rows.map(function (r) {
      return {
        item: r,
        text: [STATUS[r.status], r.action || "", actionsOf(r).join(" "), r.resources.join(" "), r.evidence || "",
          r.granted_by.map(grantText).join(" "), r.note || ""].join(" ").toLowerCase(),
        sortKey: function (k) {
          if (k === "status") { return STATUS_ORDER.indexOf(r.status); }
          if (k === "resources") { return r.resources.join(" "); }
          if (k === "granted_by") { return r.granted_by.map(grantText).join(" "); }
          return String(r[k] || "");
        }
      };
    });
    function render() {
      var body = table.tBodies[0]; clear(body);
      var text = input.value.toLowerCase(), status = select.value, count = 0;
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) {
        var r = row.item;
        if (status && r.status !== status) { return; }
        if (text && row.text.indexOf(text) < 0) { return; }
        count += 1;
        var tr = el("tr", null, "st-" + r.status);
        tr.setAttribute("data-status", r.status);
        tr.appendChild(el("td", STATUS[r.status] || r.status));
        // A managed policy statement can list 60 entries: the first few, the rest on hover.
        var entries = (r.action || "").split(", ");
        var action = el("td", entries.length > ENTRIES ? entries.slice(0, ENTRIES).join(", ") + " and " +
          (entries.length - ENTRIES) + " more" : r.action || "");
        if (entries.length > ENTRIES) { action.title = r.action; }
        tr.appendChild(action);
        tr.appendChild(listCell(r.resources));
        tr.appendChild(el("td", r.evidence || ""));
        tr.appendChild(listCell(r.granted_by.map(grantText)));
        var note = el("td", r.note || "");
        var actions = actionsOf(r);
        if (actions.length) {
          var details = el("details", null, "actions");
          details.appendChild(el("summary", "the actions"));
          details.appendChild(el("div", actions.join(", "), "action-list"));
          note.appendChild(details);
        }
        tr.appendChild(note);
        fragment.appendChild(tr);
      });
      body.appendChild(fragment);
      shown.textContent = count + " of " + rows.length + " rows";
    }
    input.addEventListener("input", render);
    select.addEventListener("change", render);
    sortable(table, rows, render);
    render();
    // The least-privilege policy: collapsed, copyable as it is.
    var policy = el("details"); policy.id = "policy";
    policy.appendChild(el("summary", "Least-privilege policy"));
    var pre = el("pre", p.policy_text); pre.id = "policy-json";
    var copy = el("button", "Copy"); copy.type = "button"; copy.id = "copy-policy";
    var copied = el("span"); copied.id = "policy-copied";
    copy.addEventListener("click", function () {
      function bySelection() {
        var range = document.createRange(); range.selectNodeContents(pre);
        var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        try { return document.execCommand("copy"); } catch (e) { return false; }
      }
      function done(ok) { copied.textContent = ok ? " copied" : " selected: press Ctrl+C to copy"; }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(pre.textContent).then(function () { done(true); }, function () { done(bySelection()); });
      } else {
        done(bySelection());
      }
    });
    policy.appendChild(copy); policy.appendChild(copied); policy.appendChild(pre);
    box.appendChild(policy);
  }
  function renderFunctions() {
    var body = functionTable.tBodies[0]; clear(body);
    var text = document.getElementById("filter-functions").value.toLowerCase();
    var shown = 0, drawn = 0, fragment = document.createDocumentFragment();
    functionRows.forEach(function (row) {
      var fn = row.item;
      if (text && row.text.indexOf(text) < 0) { return; }
      shown += 1;
      if (!showAll.functions && drawn >= PAGE) { return; }
      drawn += 1;
      var tr = el("tr", null, "clickable");
      tr.appendChild(el("td", fn.application));
      tr.appendChild(el("td", fn.name));
      tr.appendChild(el("td", fn.runtime || ""));
      tr.appendChild(el("td", fn.owner || ""));
      tr.appendChild(el("td", fn.cost ? fn.cost.usd_per_hour : ""));
      tr.appendChild(el("td", fn.findings.length));
      tr.addEventListener("click", function () { dossier(fn); });
      fragment.appendChild(tr);
    });
    body.appendChild(fragment);
    document.getElementById("more-functions").hidden = drawn >= shown;
  }
  document.getElementById("more-functions").addEventListener("click", function () {
    showAll.functions = true; renderFunctions();
  });
  document.getElementById("filter-functions").addEventListener("input", renderFunctions);
  sortable(functionTable, functionRows, renderFunctions);
  renderFunctions();
  document.body.setAttribute("data-ready", "1");
})();
"""
