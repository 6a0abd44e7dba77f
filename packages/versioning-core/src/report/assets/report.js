// The compare view of the report page: any two versions, from the data embedded in the page
// (the same figures `compare` prints). No network, no library.
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var byTag = {};
  model.versions.forEach(function (v) {
    // File records are embedded once (fileTable) and referred to by index: unpack them.
    Object.keys(v.files).forEach(function (project) {
      v.files[project] = v.files[project].map(function (i) {
        var f = model.fileTable[i];
        return { path: f[0], size: f[1], sha256: f[2] };
      });
    });
    byTag[v.tag] = v;
  });
  var from = document.getElementById('compare-from');
  var to = document.getElementById('compare-to');
  var out = document.getElementById('compare-result');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function table(caption, headers, rows) {
    return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, [
      el('table', {}, [
        el('caption', {}, [caption]),
        el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { scope: 'col' }, [h]); }))]),
        el('tbody', {}, rows.map(function (r) {
          return el('tr', {}, r.map(function (c, i) { return el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, [String(c)]); }));
        })),
      ]),
    ]);
  }

  function num(n) {
    // The same rounding as the charts' formatNumber.
    var abs = Math.abs(n);
    return String(Number(abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(3) : n.toPrecision(3)));
  }

  function signed(n) { return (n > 0 ? '+' : '') + num(n); }

  function relative(a, b) {
    if (a === 0) return b === 0 ? '0%' : 'n/a';
    return (b - a > 0 ? '+' : '') + (((b - a) / Math.abs(a)) * 100).toFixed(1) + '%';
  }

  function fileChanges(a, b) {
    var projects = Object.keys(Object.assign({}, a.files, b.files)).sort();
    var rows = [];
    projects.forEach(function (project) {
      var before = {}, after = {};
      (a.files[project] || []).forEach(function (f) { before[f.path] = f; });
      (b.files[project] || []).forEach(function (f) { after[f.path] = f; });
      Object.keys(Object.assign({}, before, after)).sort().forEach(function (p) {
        if (!before[p]) rows.push([project, 'added', p, String(after[p].size)]);
        else if (!after[p]) rows.push([project, 'removed', p, String(before[p].size)]);
        else if (before[p].sha256 !== after[p].sha256) rows.push([project, 'changed', p, before[p].size + ' → ' + after[p].size]);
      });
    });
    return rows;
  }

  function interfaceText(a, b) {
    if (a.clientHash === b.clientHash) return 'Interface unchanged (client hash ' + String(a.clientHash).slice(0, 7) + ').';
    var change = model.interfaceChanges.filter(function (c) { return c.from === a.tag && c.to === b.tag; })[0];
    if (change) return 'Interface: ' + change.bump + ' — ' + change.reason + '.';
    return 'Interface differs (client hash ' + String(a.clientHash).slice(0, 7) + ' → ' + String(b.clientHash).slice(0, 7) + ').';
  }

  function render() {
    var a = byTag[from.value], b = byTag[to.value];
    out.textContent = '';
    if (!a || !b) return;
    out.appendChild(el('h3', {}, [a.tag + ' → ' + b.tag]));
    if (a.size !== null && b.size !== null) {
      out.appendChild(el('p', { 'data-compare': 'size' }, ['Size: ' + a.size + ' → ' + b.size + ' bytes, ' + signed(b.size - a.size) + ' (' + relative(a.size, b.size) + ')']));
    }
    var metrics = Object.keys(Object.assign({}, a.metrics, b.metrics)).sort();
    out.appendChild(table('Metrics', ['metric', 'from', 'to', 'difference', 'relative'], metrics.map(function (m) {
      var x = a.metrics[m], y = b.metrics[m];
      var both = typeof x === 'number' && typeof y === 'number';
      return [m, x === undefined ? '—' : num(x), y === undefined ? '—' : num(y), both ? signed(y - x) : '—', both ? relative(x, y) : '—'];
    })));
    var labels = Object.keys(Object.assign({}, a.labels, b.labels)).sort();
    if (labels.length) {
      out.appendChild(table('Labels', ['label', 'from', 'to'], labels.map(function (l) {
        return [l, a.labels[l] === undefined ? '—' : a.labels[l], b.labels[l] === undefined ? '—' : b.labels[l]];
      })));
    }
    out.appendChild(el('p', { 'data-compare': 'interface' }, [interfaceText(a, b)]));
    var files = fileChanges(a, b);
    out.appendChild(files.length ? table('Files', ['project', 'change', 'path', 'size'], files) : el('p', {}, ['No file changed.']));
    out.appendChild(el('p', { 'data-compare': 'authors' }, ['Authors: ' + (a.author || '—') + ' → ' + (b.author || '—')]));
  }

  var releases = model.versions.filter(function (v) { return v.version !== null; });
  var newest = releases.length ? releases[releases.length - 1] : model.versions[model.versions.length - 1];
  var previous = releases.length > 1 ? releases[releases.length - 2] : newest;
  if (newest) {
    from.value = previous.tag;
    to.value = newest.tag;
  }
  from.addEventListener('change', render);
  to.addEventListener('change', render);
  render();
  document.body.setAttribute('data-ready', 'true');
})();
