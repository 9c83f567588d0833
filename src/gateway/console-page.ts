// The web console: one self-contained page (no build step, no external assets) that uses only the
// gateway's own HTTP API and WebSocket. Pages: Topics (partitions, offsets, sizes; create a topic),
// Groups (consumer groups and lag per partition), Browse (seek to an offset or time; decode text, JSON
// or hex), Live (throughput and latency charts from the WebSocket stats stream).
// Kept free of backticks and "${" so it can live in this template string.
export const CONSOLE_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Gregor console</title>
<style>
:root{--bg:#0f1419;--panel:#171d24;--line:#2a333d;--text:#d9e1e8;--dim:#8a97a3;--acc:#4fb3ff;--ok:#5bd68a;--warn:#f2b84b;--bad:#ff6b6b}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--text)}
header{display:flex;align-items:center;gap:24px;padding:10px 20px;border-bottom:1px solid var(--line);background:var(--panel)}
header h1{font-size:17px;margin:0;letter-spacing:.5px}header h1 span{color:var(--acc)}
nav a{color:var(--dim);text-decoration:none;margin-right:16px;padding:4px 0;border-bottom:2px solid transparent}
nav a.active{color:var(--text);border-color:var(--acc)}#status{margin-left:auto;color:var(--dim);font-size:12px}
main{padding:20px;max-width:1200px}h2{font-size:15px;margin:0 0 12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);font-variant-numeric:tabular-nums}
th{color:var(--dim);font-weight:500;font-size:12px;text-transform:uppercase;letter-spacing:.4px}td.num,th.num{text-align:right}
tr.click{cursor:pointer}tr.click:hover{background:#1d252e}
input,select,button{font:inherit;background:#0f1419;color:var(--text);border:1px solid var(--line);border-radius:5px;padding:5px 8px}
button{background:var(--acc);color:#04121f;border:0;font-weight:600;cursor:pointer}button.ghost{background:transparent;color:var(--text);border:1px solid var(--line)}
.row{display:flex;gap:10px;align-items:center;flex-wrap:wrap}.muted{color:var(--dim)}.err{color:var(--bad)}.okc{color:var(--ok)}
pre{margin:0;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}canvas{width:100%;height:180px;display:block}
.big{font-size:22px;font-weight:600}.kpis{display:flex;gap:32px;margin-bottom:8px}.kpis div span{display:block;font-size:12px;color:var(--dim)}
.lag{color:var(--warn)}
</style></head><body>
<header><h1>Gregor <span>console</span></h1>
<nav><a href="#/topics" data-page="topics">Topics</a><a href="#/groups" data-page="groups">Consumer groups</a><a href="#/browse" data-page="browse">Browse</a><a href="#/live" data-page="live">Live</a></nav>
<div id="status">connecting…</div></header>
<main id="main"></main>
<script>
"use strict";
var main = document.getElementById('main');
var statusEl = document.getElementById('status');
function h(tag, attrs, kids) {
  var e = document.createElement(tag);
  if (attrs) for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]); else e.setAttribute(k, attrs[k]); }
  (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return e;
}
function api(method, path, body) {
  return fetch(path, { method: method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
    .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error((j.error || r.status) + ': ' + (j.message || '')); return j; }); });
}
function fmtBytes(n) { var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; var i = 0; while (n >= 1024 && i < 4) { n /= 1024; i++; } return (i ? n.toFixed(1) : n) + ' ' + u[i]; }
function fmtNum(n) { return n >= 1e6 ? (n / 1e6).toFixed(2) + ' M' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' k' : (Math.round(n * 10) / 10).toString(); }
function b64bytes(s) { if (s == null) return null; var bin = atob(s); var a = new Uint8Array(bin.length); for (var i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i); return a; }
function decode(s, how) {
  var b = b64bytes(s); if (b === null) return 'null';
  if (how === 'hex') { var out = []; for (var i = 0; i < b.length; i++) out.push((b[i] < 16 ? '0' : '') + b[i].toString(16)); return out.join(' ').replace(/((?:\S+ ){16})/g, '$1\n'); }
  var t = new TextDecoder().decode(b);
  if (how === 'json') { try { return JSON.stringify(JSON.parse(t), null, 2); } catch (e) { return t + '   (not JSON)'; } }
  return t;
}
var timers = [];
function clearTimers() { timers.forEach(clearInterval); timers = []; }

// ---- Topics ----
var expanded = {};
function topicsPage() {
  var list = h('div', null, [h('p', { class: 'muted', text: 'loading…' })]);
  var name = h('input', { placeholder: 'topic name', id: 'new-topic-name' });
  var parts = h('input', { type: 'number', value: '3', min: '1', style: 'width:80px', id: 'new-topic-partitions' });
  var retention = h('input', { placeholder: 'retention.ms (optional)', style: 'width:190px', id: 'new-topic-retention' });
  var msg = h('span', { id: 'create-result' });
  var create = h('button', { id: 'create-topic', text: 'Create topic', onclick: function () {
    var cfg = {}; if (retention.value) cfg['retention.ms'] = retention.value;
    api('POST', '/topics', { name: name.value, partitions: Number(parts.value), configs: cfg })
      .then(function (t) { msg.className = 'okc'; msg.textContent = 'created ' + t.name; name.value = ''; load(); })
      .catch(function (e) { msg.className = 'err'; msg.textContent = e.message; });
  } });
  function load() {
    api('GET', '/topics?details=true').then(function (topics) {
      var rows = [];
      topics.filter(function (t) { return t.name.charAt(0) !== '_'; }).forEach(function (t) {
        var end = t.partitions.reduce(function (s, p) { return s + p.high_watermark; }, 0);
        var detail = h('tr', { style: expanded[t.name] ? '' : 'display:none', 'data-partitions-of': t.name }, [h('td', { colspan: '5' }, [partitionTable(t)])]);
        rows.push(h('tr', { class: 'click', 'data-topic': t.name, onclick: function () { expanded[t.name] = !expanded[t.name]; detail.style.display = expanded[t.name] ? '' : 'none'; } }, [
          h('td', { text: t.name }), h('td', { class: 'num', text: String(t.partitions.length) }), h('td', { class: 'num', text: fmtNum(end) }),
          h('td', { class: 'num', text: fmtBytes(t.size_bytes) }), h('td', { class: 'muted', text: Object.keys(t.configs).map(function (k) { return k + '=' + t.configs[k]; }).join(', ') || 'defaults' })]));
        rows.push(detail);
      });
      list.replaceChildren(h('table', { id: 'topics-table' }, [h('thead', null, [h('tr', null, [h('th', { text: 'Topic' }), h('th', { class: 'num', text: 'Partitions' }), h('th', { class: 'num', text: 'Records' }), h('th', { class: 'num', text: 'Size' }), h('th', { text: 'Configs' })])]), h('tbody', null, rows)]));
      if (rows.length === 0) list.appendChild(h('p', { class: 'muted', text: 'No topics yet.' }));
    }).catch(function (e) { list.replaceChildren(h('p', { class: 'err', text: e.message })); });
  }
  load();
  timers.push(setInterval(load, 3000));
  return [h('div', { class: 'card' }, [h('h2', { text: 'Create a topic' }), h('div', { class: 'row' }, [name, parts, retention, create, msg])]),
          h('div', { class: 'card' }, [h('h2', { text: 'Topics' }), list])];
}
function partitionTable(t) {
  return h('table', null, [h('thead', null, [h('tr', null, ['Partition', 'Leader', 'Log start', 'Log end', 'High watermark', 'Size'].map(function (x, i) { return h('th', { class: i ? 'num' : '', text: x }); }))]),
    h('tbody', null, t.partitions.map(function (p) { return h('tr', null, [h('td', { text: String(p.partition) }), h('td', { class: 'num', text: String(p.leader) }), h('td', { class: 'num', text: String(p.log_start_offset) }),
      h('td', { class: 'num', text: String(p.log_end_offset) }), h('td', { class: 'num', text: String(p.high_watermark) }), h('td', { class: 'num', text: fmtBytes(p.size_bytes) })]); }))]);
}

// ---- Groups ----
function groupsPage() {
  var box = h('div', null, [h('p', { class: 'muted', text: 'loading…' })]);
  function load() {
    api('GET', '/groups').then(function (groups) {
      if (!groups.length) { box.replaceChildren(h('p', { class: 'muted', id: 'no-groups', text: 'No consumer groups.' })); return; }
      box.replaceChildren.apply(box, groups.map(function (g) {
        var total = g.partitions.reduce(function (s, p) { return s + Math.max(0, p.lag); }, 0);
        return h('div', { class: 'card', 'data-group': g.group_id }, [h('h2', null, [g.group_id + '  ', h('span', { class: 'muted', text: g.state + ' · ' + g.members + ' member(s) · total lag ' }), h('span', { class: 'lag', text: fmtNum(total) })]),
          h('table', null, [h('thead', null, [h('tr', null, ['Topic', 'Partition', 'Committed', 'High watermark', 'Lag', 'Member'].map(function (x, i) { return h('th', { class: i && i < 5 ? 'num' : '', text: x }); }))]),
            h('tbody', null, g.partitions.map(function (p) { return h('tr', null, [h('td', { text: p.topic }), h('td', { class: 'num', text: String(p.partition) }), h('td', { class: 'num', text: p.committed < 0 ? '–' : String(p.committed) }),
              h('td', { class: 'num', text: String(p.high_watermark) }), h('td', { class: 'num lag', text: String(p.lag) }), h('td', { class: 'muted', text: p.member || '' })]); }))])]);
      }));
    }).catch(function (e) { box.replaceChildren(h('p', { class: 'err', text: e.message })); });
  }
  load();
  timers.push(setInterval(load, 3000));
  return [h('div', { class: 'card' }, [h('h2', { text: 'Consumer groups' }), box])];
}

// ---- Browse ----
function browsePage() {
  var topicSel = h('select', { id: 'browse-topic' });
  var partSel = h('select', { id: 'browse-partition' });
  var mode = h('select', { id: 'browse-mode' }, [h('option', { value: 'offset', text: 'from offset' }), h('option', { value: 'timestamp', text: 'from time' }), h('option', { value: 'last', text: 'last N' })]);
  var at = h('input', { id: 'browse-at', value: '0', style: 'width:200px' });
  var limit = h('input', { id: 'browse-limit', type: 'number', value: '20', style: 'width:70px' });
  var as = h('select', { id: 'browse-decode' }, [h('option', { value: 'text', text: 'text' }), h('option', { value: 'json', text: 'JSON' }), h('option', { value: 'hex', text: 'hex' })]);
  var out = h('div', { id: 'browse-out' });
  var topics = [];
  mode.addEventListener('change', function () { at.value = mode.value === 'timestamp' ? new Date(Date.now() - 3600e3).toISOString() : mode.value === 'last' ? '' : '0'; at.disabled = mode.value === 'last'; });
  topicSel.addEventListener('change', fillParts);
  function fillParts() { var t = topics.filter(function (x) { return x.name === topicSel.value; })[0]; partSel.replaceChildren.apply(partSel, (t ? t.partitions : []).map(function (p) { return h('option', { value: String(p.partition), text: 'partition ' + p.partition + ' (' + p.log_start_offset + '–' + p.high_watermark + ')' }); })); }
  var last = null;
  function render() {
    if (!last) return;
    out.replaceChildren(h('p', { class: 'muted', text: last.records.length + ' record(s) · log ' + last.log_start_offset + '–' + last.high_watermark }),
      h('table', { id: 'browse-table' }, [h('thead', null, [h('tr', null, ['Offset', 'Time', 'Key', 'Value', 'Headers'].map(function (x) { return h('th', { text: x }); }))]),
        h('tbody', null, last.records.map(function (r) { return h('tr', null, [h('td', { class: 'num', text: String(r.offset) }), h('td', { class: 'muted', text: new Date(r.timestamp).toISOString().replace('T', ' ').replace('Z', '') }),
          h('td', null, [h('pre', { text: decode(r.key, as.value === 'json' ? 'text' : as.value) })]), h('td', null, [h('pre', { text: decode(r.value, as.value) })]),
          h('td', null, [h('pre', { text: r.headers.map(function (x) { return x[0] + '=' + decode(x[1], 'text'); }).join('\n') })])]); }))]));
  }
  as.addEventListener('change', render);
  var go = h('button', { id: 'browse-go', text: 'Seek', onclick: function () {
    var q = 'limit=' + limit.value;
    if (mode.value === 'offset') q += '&offset=' + encodeURIComponent(at.value);
    else if (mode.value === 'last') q += '&offset=-' + limit.value;
    else q += '&timestamp=' + Date.parse(at.value);
    api('GET', '/topics/' + encodeURIComponent(topicSel.value) + '/partitions/' + partSel.value + '/records?' + q).then(function (r) { last = r; render(); })
      .catch(function (e) { out.replaceChildren(h('p', { class: 'err', text: e.message })); });
  } });
  api('GET', '/topics?details=true').then(function (t) {
    topics = t.filter(function (x) { return x.name.charAt(0) !== '_'; });
    topicSel.replaceChildren.apply(topicSel, topics.map(function (x) { return h('option', { value: x.name, text: x.name }); }));
    var want = new URLSearchParams(location.hash.split('?')[1] || '').get('topic'); if (want) topicSel.value = want;
    fillParts();
  });
  return [h('div', { class: 'card' }, [h('h2', { text: 'Message browser' }), h('div', { class: 'row' }, [topicSel, partSel, mode, at, h('span', { class: 'muted', text: 'limit' }), limit, h('span', { class: 'muted', text: 'decode as' }), as, go])]),
          h('div', { class: 'card' }, [out])];
}

// ---- Live charts ----
function Chart(canvas, series, unit) {
  var data = series.map(function () { return []; });
  this.push = function (vals) { vals.forEach(function (v, i) { data[i].push(v); if (data[i].length > 120) data[i].shift(); }); draw(); };
  function draw() {
    var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, hgt = canvas.clientHeight;
    canvas.width = w * dpr; canvas.height = hgt * dpr;
    var c = canvas.getContext('2d'); c.scale(dpr, dpr); c.clearRect(0, 0, w, hgt);
    var max = 1; data.forEach(function (d) { d.forEach(function (v) { if (v > max) max = v; }); });
    c.strokeStyle = '#2a333d'; c.fillStyle = '#8a97a3'; c.font = '11px system-ui';
    for (var g = 0; g <= 4; g++) { var y = 8 + (hgt - 28) * g / 4; c.beginPath(); c.moveTo(50, y); c.lineTo(w - 4, y); c.stroke(); c.fillText(fmtNum(max * (1 - g / 4)) + unit, 2, y + 4); }
    data.forEach(function (d, i) {
      c.strokeStyle = series[i].color; c.lineWidth = 2; c.beginPath();
      var span = Math.max(30, d.length);
      d.forEach(function (v, j) { var x = 50 + (w - 54) * (j + span - d.length) / (span - 1); var y = 8 + (hgt - 28) * (1 - v / max); if (j) c.lineTo(x, y); else c.moveTo(x, y); });
      c.stroke(); c.fillStyle = series[i].color; c.fillText(series[i].name, 56 + i * 190, hgt - 6);
    });
  }
}
function livePage() {
  var kp = {}; ['prodRate', 'prodBytes', 'fetchBytes', 'prodP99', 'conns'].forEach(function (k) { kp[k] = h('b', { class: 'big', id: 'kpi-' + k, text: '–' }); });
  var c1 = h('canvas', { id: 'chart-throughput' }), c2 = h('canvas', { id: 'chart-latency' });
  var node = [h('div', { class: 'card' }, [h('div', { class: 'kpis' }, [h('div', null, [h('span', { text: 'produce records/s' }), kp.prodRate]), h('div', null, [h('span', { text: 'bytes in/s' }), kp.prodBytes]),
      h('div', null, [h('span', { text: 'bytes out/s' }), kp.fetchBytes]), h('div', null, [h('span', { text: 'produce p99' }), kp.prodP99]), h('div', null, [h('span', { text: 'connections (kafka / ws)' }), kp.conns])])]),
    h('div', { class: 'charts' }, [h('div', { class: 'card' }, [h('h2', { text: 'Throughput (bytes/s)' }), c1]), h('div', { class: 'card' }, [h('h2', { text: 'Latency p99 (ms)' }), c2])])];
  var tput = new Chart(c1, [{ name: 'produce in', color: '#4fb3ff' }, { name: 'fetch out (kafka + websocket)', color: '#5bd68a' }], '');
  var lat = new Chart(c2, [{ name: 'produce p99', color: '#f2b84b' }, { name: 'fetch p99 (incl. long-poll wait)', color: '#c58af9' }], '');
  liveHandler = function (s) {
    kp.prodRate.textContent = fmtNum(s.produce.recordsPerSec); kp.prodBytes.textContent = fmtBytes(s.produce.bytesPerSec) + '/s'; kp.fetchBytes.textContent = fmtBytes(s.fetch.bytesPerSec) + '/s';
    kp.prodP99.textContent = s.produce.latencyMs.p99.toFixed(2) + ' ms'; kp.conns.textContent = s.connections.kafka + ' / ' + s.connections.websocket;
    tput.push([s.produce.bytesPerSec, s.fetch.bytesPerSec]); lat.push([s.produce.latencyMs.p99, s.fetch.latencyMs.p99]);
  };
  // Charts start with what arrived since the console was opened.
  setTimeout(function () { statsHistory.forEach(liveHandler); }, 0);
  return node;
}
var liveHandler = null;
var statsCount = 0;
var statsHistory = [];
function connectStats() {
  var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
  ws.onopen = function () { ws.send('{"type":"stats"}'); statusEl.textContent = 'live'; statusEl.className = 'okc'; };
  ws.onmessage = function (ev) { var m = JSON.parse(ev.data); if (m.type === 'stats') { statsCount++; statsHistory.push(m); if (statsHistory.length > 120) statsHistory.shift(); document.body.setAttribute('data-stats', String(statsCount)); if (liveHandler) liveHandler(m); } };
  ws.onclose = function () { statusEl.textContent = 'reconnecting…'; statusEl.className = 'err'; setTimeout(connectStats, 1000); };
}
function route() {
  clearTimers(); liveHandler = null;
  var page = (location.hash.replace(/^#\//, '').split('?')[0]) || 'topics';
  document.querySelectorAll('nav a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('data-page') === page); });
  var make = { topics: topicsPage, groups: groupsPage, browse: browsePage, live: livePage }[page] || topicsPage;
  main.replaceChildren.apply(main, make());
}
window.addEventListener('hashchange', route);
route();
connectStats();
</script></body></html>`;
