/* The explorer's script: one Graphviz drawing, restyled and relabelled for each step.
 *
 * The data (viz/explorer.py, _payload) lists the nodes, the edges, the forward order, each
 * backward step's flows and the update; this script rebuilds the state of any step from
 * them, writes it into the drawing's text rows and classes, and explains the step beside
 * it. Numbers are formatted exactly as Python's format(x, ".<precision>g"), so a row never
 * outgrows the room Graphviz gave it. Nothing is fetched: the page works offline.
 */
(function () {
  "use strict";

  const D = JSON.parse(document.getElementById("explorer-data").textContent);
  const P = D.prec;
  const NB = "\u00a0";
  const TRAIL = /\u00a0+$/;
  const N = D.nodes.length;
  const SMALL = 12; // viz.describe.SMALL_ARRAY
  const $ = (id) => document.getElementById(id);
  const svg = $("graph");
  const layer = svg.querySelector("g.graph");
  const view = $("view");
  const tip = $("tip");

  // ------------------------------------------------------------------ numbers
  const num = (x) => (typeof x === "string" ? Number(x) : x);

  function splitExp(s) {
    const [m, e] = s.split("e");
    return [m.replace(".", ""), Number(e)];
  }

  function stripZeros(s) {
    return s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, "");
  }

  // Python's format(x, ".<p>g"). toExponential rounds an exact half up; Python rounds it to
  // the even digit, so a half is detected on more digits and rounded down when that is even.
  function fmt(x, p) {
    if (x === 0) return "0";
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    const sign = x < 0 ? "-" : "";
    const a = Math.abs(x);
    let [digits, exp] = splitExp(a.toExponential(p - 1));
    const [wide, wideExp] = splitExp(a.toExponential(Math.min(100, p + 24)));
    if (wide[p] === "5" && /^0*$/.test(wide.slice(p + 1)) && Number(wide[p - 1]) % 2 === 0) {
      digits = wide.slice(0, p);
      exp = wideExp;
    }
    if (exp < -4 || exp >= p) {
      const mantissa = stripZeros(digits[0] + "." + digits.slice(1));
      const e = Math.abs(exp);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    const text =
      exp >= 0
        ? digits.slice(0, exp + 1) + "." + digits.slice(exp + 1)
        : "0." + "0".repeat(-exp - 1) + digits;
    return sign + stripZeros(text);
  }

  // Every digit, for tooltips: the shortest text that reads back as the same float.
  function full(x) {
    x = num(x);
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    return String(x);
  }

  const isArray = (v) => v !== null && typeof v === "object";
  const sizeOf = (v) => v.s.reduce((a, b) => a * b, 1);
  const BAD = /(^|[\s[,])-?(nan|inf)\b/;

  // A value as lines of text, as viz.describe.value_lines.
  function lines(v) {
    if (v === null || v === undefined) return ["none yet"];
    if (!isArray(v)) return [fmt(num(v), P)];
    const size = sizeOf(v);
    if (size === 0) return ["[] (empty)"];
    if (size > SMALL) return [v.m[0]];
    if (v.s.length === 0) return [fmt(num(v.v[0]), P)];
    const width = v.s[v.s.length - 1];
    const out = [];
    for (let r = 0; r < size / width; r++) {
      const row = v.v.slice(r * width, (r + 1) * width).map((e) => fmt(num(e), P));
      out.push("[" + row.join(", ") + "]");
    }
    return out;
  }

  function isBad(v) {
    if (v === null || v === undefined) return false;
    if (!isArray(v)) return !Number.isFinite(num(v));
    if (v.m) return v.m[1];
    return v.v.some((e) => !Number.isFinite(num(e)));
  }

  // ------------------------------------------------------------------ HTML pieces
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

  function scalarHtml(x, digits) {
    const text = digits ? full(x) : fmt(num(x), P);
    const bad = !Number.isFinite(num(x)) ? " bad" : "";
    return '<span class="num' + bad + '">' + text + "</span>";
  }

  // An array as a matrix: rows of its last axis, at most `most` rows and columns shown.
  function matrix(v, digits) {
    const most = digits ? 32 : 8;
    const shape = '<span class="shape">(' + v.s.join(", ") + (v.s.length === 1 ? ",)" : ")") + "</span>";
    if (!v.v) return '<span class="num">' + esc(v.m[0]) + "</span> " + shape;
    if (v.s.length === 0) return scalarHtml(v.v[0], digits);
    const size = sizeOf(v);
    if (size === 0) return '<span class="num">[]</span> ' + shape;
    const width = v.s[v.s.length - 1];
    const rows = size / width;
    const cell = (e) => {
      const bad = Number.isFinite(num(e)) ? "" : ' class="bad"';
      return "<td" + bad + ">" + (digits ? full(e) : fmt(num(e), P)) + "</td>";
    };
    let out = '<table class="matrix">';
    for (let r = 0; r < Math.min(rows, most); r++) {
      out += "<tr>";
      for (let c = 0; c < Math.min(width, most); c++) out += cell(v.v[r * width + c]);
      if (width > most) out += "<td>&#8230;</td>";
      out += "</tr>";
    }
    if (rows > most) out += '<tr><td colspan="' + (Math.min(width, most) + (width > most)) + '">&#8942;</td></tr>';
    return out + "</table> " + shape;
  }

  const valueHtml = (v, digits) =>
    v === null || v === undefined ? "none yet" : isArray(v) ? matrix(v, digits) : scalarHtml(v, digits);

  // ------------------------------------------------------------------ the graph's structure
  const nodes = D.nodes;
  const parentEdges = nodes.map(() => []); // edge indices into each node, in argument order
  const childEdges = nodes.map(() => []);
  D.edges.forEach(([p, c], e) => {
    parentEdges[c].push(e);
    childEdges[p].push(e);
  });
  const isTensor = (i) => isArray(nodes[i].d);
  const name = (i) => esc(nodes[i].q || nodes[i].n);
  // A number mixed into an expression reads best as the number itself.
  const operand = (i) => (nodes[i].c ? (isArray(nodes[i].d) ? matrix(nodes[i].d) : fmt(num(nodes[i].d), P)) : name(i));
  const roleOf = (c, k) => {
    const arity = parentEdges[c].length;
    return arity === 1 ? "x" : arity === 2 ? "ab"[k] : "x" + (k + 1);
  };
  const formula = (op, k, which) => {
    const rules = D.ops[op];
    if (!rules || !rules.length) return "";
    return rules[Math.min(k, rules.length - 1)][which];
  };

  // ------------------------------------------------------------------ frames
  const frames = [{ ph: "forward", node: -1 }];
  const born = new Array(N).fill(0); // the frame at which a node's value appears
  D.fwd.forEach((i) => {
    born[i] = frames.length;
    frames.push({ ph: "forward", node: i });
  });
  const B0 = frames.length;
  D.bwd.forEach((step, k) => frames.push({ ph: "backward", node: step[0], k: k }));
  const U = D.upd ? frames.length : -1;
  if (D.upd) frames.push({ ph: "update", node: -1 });
  const LAST = frames.length - 1;
  const updated = new Map(D.upd ? D.upd.new : []);
  const focusOf = (f) => (frames[f].ph === "backward" && frames[f].node < 0 ? D.root : frames[f].node);

  // Every gradient once the backward frames up to f have run; null before the pass.
  function gradsAt(f) {
    if (f < B0) return null;
    const grads = D.g0.slice();
    const end = Math.min(f, B0 + D.bwd.length - 1) - B0;
    for (let k = 1; k <= end; k++) {
      for (const flow of D.bwd[k][2]) grads[D.edges[flow[0]][0]] = flow[3];
    }
    return grads;
  }

  const valueAt = (i, f) => (frames[f].ph === "update" && updated.has(i) ? updated.get(i) : nodes[i].d);

  // ------------------------------------------------------------------ the drawing's elements
  const nodeEl = [];
  const dataRows = [];
  const gradRows = [];
  for (let i = 0; i < N; i++) {
    const g = $("n" + i);
    nodeEl.push(g);
    const texts = g ? Array.from(g.querySelectorAll("text")) : [];
    const dr = nodes[i].dr;
    const gr = nodes[i].gr;
    // Graphviz writes a label's rows in order: the header, then data rows, then grad rows.
    const ok = texts.length >= dr + gr + 1;
    dataRows.push(ok ? texts.slice(texts.length - dr - gr, texts.length - gr) : []);
    gradRows.push(ok ? texts.slice(texts.length - gr) : []);
  }
  const edgeEl = D.edges.map((_, e) => $("e" + e));
  const clusterEl = D.scopes.map((_, k) => $("sc" + k));

  function setRows(els, prefix, ls) {
    for (let r = 0; r < els.length; r++) {
      const lead = r === 0 ? prefix + NB : NB.repeat(prefix.length + 1);
      const text = r < ls.length ? (lead + ls[r]).replace(/ /g, NB) : r === 0 ? prefix : NB;
      // Graphviz's rows end in padding; equal but for it, a row is left alone (no relayout).
      const now = els[r].textContent;
      if (now !== text && now.replace(TRAIL, "") !== text.replace(TRAIL, "")) els[r].textContent = text;
      const bad = r < ls.length && BAD.test(ls[r]);
      if (els[r].classList.contains("bad") !== bad) els[r].classList.toggle("bad", bad);
    }
  }

  function setClass(el, cls) {
    if (el && el.getAttribute("class") !== cls) el.setAttribute("class", cls);
  }

  // ------------------------------------------------------------------ scopes
  const scopes = D.scopes;
  const scopeName = (k) => scopes[k].p.join(".");
  const insideScope = (s, k) => {
    for (; s >= 0; s = scopes[s].up) if (s === k) return true;
    return false;
  };
  const scopeKids = scopes.map(() => []);
  const topScopes = [];
  scopes.forEach((s, k) => (s.up >= 0 ? scopeKids[s.up] : topScopes).push(k));
  const depthOf = scopes.map((s) => s.p.length);
  const members = scopes.map((_, k) => nodes.map((_, i) => i).filter((i) => insideScope(nodes[i].s, k)));
  // A scope's outputs: its nodes used outside it, and the root.
  const outputs = members.map((list, k) =>
    list.filter((i) => i === D.root || childEdges[i].some((e) => !insideScope(nodes[D.edges[e][1]].s, k)))
  );
  const ownParams = scopes.map((_, k) =>
    nodes.map((_, i) => i).filter((i) => nodes[i].s === k && nodes[i].k === "parameter")
  );
  const collapsed = new Set();
  const owner = new Array(N).fill(-1); // the outermost collapsed scope hiding each node
  const boxes = new Map(); // collapsed scope -> its box in the drawing
  const SVGNS = "http://www.w3.org/2000/svg";
  const boxLayer = document.createElementNS(SVGNS, "g");
  boxLayer.setAttribute("id", "boxes");
  layer.appendChild(boxLayer);

  function outermostCollapsed(s) {
    let found = -1;
    for (; s >= 0; s = scopes[s].up) if (collapsed.has(s)) found = s;
    return found;
  }

  function svgText(parent, x, y, text, cls) {
    const t = document.createElementNS(SVGNS, "text");
    t.setAttribute("x", x);
    t.setAttribute("y", y);
    if (cls) t.setAttribute("class", cls);
    t.textContent = text;
    parent.appendChild(t);
    return t;
  }

  // A collapsed scope: a box over its cluster with its name, its size and its outputs'
  // values and gradients, in letters as large as the box allows (the layout keeps its room).
  function makeBox(k) {
    const b = clusterEl[k].getBBox();
    const g = document.createElementNS(SVGNS, "g");
    g.setAttribute("class", "boxed");
    g.dataset.scope = k;
    const rect = document.createElementNS(SVGNS, "rect");
    for (const [a, v] of [["x", b.x], ["y", b.y], ["width", b.width], ["height", b.height], ["rx", 6]]) {
      rect.setAttribute(a, v);
    }
    g.appendChild(rect);
    const rows = Math.min(6, 2 * outputs[k].length);
    const title = "\u25b8 " + scopeName(k);
    const widest = Math.max(title.length, 24);
    const size = Math.max(8, Math.min(30, (b.height - 8) / (1.25 * (rows + 2) + 0.5), (b.width - 12) / (0.62 * widest)));
    const line = (r, text, cls) => {
      const t = svgText(g, b.x + 0.6 * size, b.y + size * (1.25 * r + 1.2), text, cls);
      t.setAttribute("font-size", size.toFixed(1));
      return t;
    };
    line(0, title, "title");
    const ops = members[k].filter((i) => parentEdges[i].length).length;
    const params = members[k].filter((i) => nodes[i].k === "parameter").length;
    line(1, count(ops, "op") + ", " + count(params, "param"));
    g.valueRows = [];
    for (let r = 0; r < rows; r++) g.valueRows.push(line(r + 2, ""));
    g.addEventListener("click", (event) => {
      event.stopPropagation();
      if (!moved) setCollapsed(k, false);
    });
    return g;
  }

  function setCollapsed(k, on) {
    if (!D.clusters || !clusterEl[k]) return;
    if (on) collapsed.add(k);
    else collapsed.delete(k);
    layout();
    show(cur);
  }

  // Which elements the collapsed scopes hide, and a box over each outermost one.
  function layout() {
    for (let i = 0; i < N; i++) owner[i] = outermostCollapsed(nodes[i].s);
    for (let i = 0; i < N; i++) if (nodeEl[i]) nodeEl[i].classList.toggle("hidden", owner[i] >= 0);
    D.edges.forEach(([p, c], e) => {
      if (edgeEl[e]) edgeEl[e].classList.toggle("hidden", owner[p] >= 0 && owner[p] === owner[c]);
    });
    scopes.forEach((s, k) => {
      if (!clusterEl[k]) return;
      const hidden = s.up >= 0 && outermostCollapsed(s.up) >= 0;
      clusterEl[k].classList.toggle("hidden", hidden);
      const boxed = collapsed.has(k) && !hidden;
      if (boxed && !boxes.has(k)) {
        const box = makeBox(k);
        boxes.set(k, box);
        boxLayer.appendChild(box);
      } else if (!boxed && boxes.has(k)) {
        boxes.get(k).remove();
        boxes.delete(k);
      }
    });
    for (const li of tree.querySelectorAll("li[data-scope]")) {
      const k = Number(li.dataset.scope);
      const open = !collapsed.has(k);
      li.classList.toggle("closed", !open);
      li.querySelector(".toggle").textContent = open ? "\u25be" : "\u25b8";
      li.querySelector(".toggle").setAttribute("aria-expanded", String(open));
      li.querySelector("ul").hidden = !open;
    }
  }

  // ------------------------------------------------------------------ the scope tree
  const tree = $("tree");
  const treeVals = []; // [element, node index or -scope-1]

  function nodeItem(i, role) {
    const li = document.createElement("li");
    li.dataset.node = i;
    li.innerHTML =
      '<div class="row"><span class="toggle"></span><span class="name" title="' + role + '">' +
      esc(nodes[i].n) + '</span><span class="val"></span></div>';
    treeVals.push([li.querySelector(".val"), i]);
    return li;
  }

  function scopeItem(k) {
    const li = document.createElement("li");
    li.dataset.scope = k;
    li.innerHTML =
      '<div class="row"><button class="toggle" type="button" aria-expanded="true"' + (D.clusters ? "" : " disabled") +
      ' title="collapse or expand this box in the graph">\u25be</button><span class="name">' +
      esc(scopes[k].p[scopes[k].p.length - 1]) +
      '</span><span class="val"></span></div><ul></ul>';
    treeVals.push([li.querySelector(".val"), -k - 1]);
    const ul = li.querySelector("ul");
    for (const kid of scopeKids[k]) ul.appendChild(scopeItem(kid));
    for (const i of ownParams[k]) ul.appendChild(nodeItem(i, "parameter"));
    for (const i of outputs[k]) if (nodes[i].s === k) ul.appendChild(nodeItem(i, "output of " + scopeName(k)));
    li.querySelector(".toggle").addEventListener("click", () => setCollapsed(k, !collapsed.has(k)));
    li.querySelector(".name").addEventListener("click", () => {
      if (clusterEl[k]) zoomTo(boxes.get(k) || clusterEl[k], 0);
    });
    return li;
  }

  function buildTree() {
    if (!scopes.length) {
      $("scopes").hidden = true;
      return;
    }
    for (const k of topScopes) tree.appendChild(scopeItem(k));
    tree.addEventListener("click", (event) => {
      const li = event.target.closest("li[data-node]");
      if (li && event.target.classList.contains("name")) {
        const i = Number(li.dataset.node);
        zoomTo(nodeEl[i], READABLE);
        pinTip(i);
      }
    });
    const tools = $("scope-tools");
    const maxDepth = Math.max(...depthOf);
    const button = (label, title, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.title = title;
      b.addEventListener("click", action);
      tools.appendChild(b);
    };
    const collapseAt = (d) => {
      collapsed.clear();
      scopes.forEach((_, k) => depthOf[k] === d && collapsed.add(k));
      layout();
      show(cur);
    };
    button("expand all", "show every node", () => collapseAt(0));
    for (let d = 1; d <= maxDepth; d++) button("level " + d, "one box per scope " + d + " deep", () => collapseAt(d));
    if (!D.clusters) tools.insertAdjacentHTML("beforeend", '<span class="hint">drawn with clusters=False: no boxes to collapse</span>');
  }

  const shortValue = (i, grads) => {
    let text = lines(valueAt(i, cur)).join(" ");
    if (grads && nodes[i].g) text += " \u00b7 grad " + lines(grads[i]).join(" ");
    return text;
  };

  function refreshTree(grads, focus) {
    for (const [el, ref] of treeVals) {
      let text;
      if (ref >= 0) text = frames[cur].ph === "forward" && born[ref] > cur ? "" : shortValue(ref, grads);
      else {
        const outs = outputs[-ref - 1];
        const ready = outs.every((i) => !(frames[cur].ph === "forward" && born[i] > cur));
        text = outs.length === 1 ? (ready ? "\u2192 " + shortValue(outs[0], grads) : "") : outs.length + " outputs";
      }
      if (el.textContent !== text) {
        el.textContent = text;
        el.title = text;
      }
    }
    for (const li of tree.querySelectorAll("li.focus")) li.classList.remove("focus");
    if (focus >= 0) {
      const li = tree.querySelector('li[data-node="' + focus + '"]');
      if (li) li.classList.add("focus");
    }
  }

  // ------------------------------------------------------------------ explanations
  const INFIX = { "+": "+", add: "+", "-": "\u2212", sub: "\u2212", "*": "\u00d7", mul: "\u00d7",
    "/": "/", div: "/", "**": "**", pow: "**", matmul: "@" };

  function expression(i, part) {
    const op = nodes[i].o;
    const ps = parentEdges[i].map((e) => D.edges[e][0]);
    if (ps.length === 2 && INFIX[op]) return part(ps[0]) + " " + INFIX[op] + " " + part(ps[1]);
    if (ps.length === 1 && op === "neg") return "\u2212" + part(ps[0]);
    return esc(op) + "(" + ps.map(part).join(", ") + ")";
  }

  const count = (n, word) => n + " " + word + (n === 1 ? "" : "s");
  const heading = (f, text) =>
    '<h2><span class="phase ' + frames[f].ph + '">' + frames[f].ph + "</span>Step " + f + " of " + LAST +
    ": " + text + "</h2>";
  const opTag = (i) => (nodes[i].o ? ' <span class="rule">' + esc(nodes[i].o) + "</span>" : "");

  function explainLeaves(f) {
    const leaves = nodes.map((_, i) => i).filter((i) => !parentEdges[i].length && !nodes[i].c);
    let rows = "";
    for (const i of leaves.slice(0, 12)) {
      rows += "<tr><td><b>" + name(i) + "</b></td><td>" + nodes[i].k + "</td><td>" + valueHtml(nodes[i].d) + "</td></tr>";
    }
    const more = leaves.length > 12 ? '<p class="more">and ' + (leaves.length - 12) + " more: hover a node to see its value.</p>" : "";
    return (
      heading(f, "the inputs and parameters") +
      "<p>The leaves hold their values. The forward pass then computes every other node from its " +
      "operands, each after all of the nodes it uses (" + count(D.fwd.length, "step") + ").</p>" +
      "<table><tr><th>leaf</th><th>kind</th><th>value</th></tr>" + rows + "</table>" + more
    );
  }

  // The local gradients a Value records as it is computed, for its backward step.
  const edgeLocal = new Map();
  for (const step of D.bwd) for (const flow of step[2]) edgeLocal.set(flow[0], flow[1]);

  function explainForward(f, i) {
    const value = nodes[i].d;
    let recorded = "";
    if (!isTensor(i) && parentEdges[i].some((e) => edgeLocal.get(e) !== null && edgeLocal.has(e))) {
      const parts = parentEdges[i].map((e) => {
        const [p, , pos] = D.edges[e];
        const local = edgeLocal.get(e);
        const rule = formula(nodes[i].o, pos, 0);
        const shown = local === null || local === undefined ? "undefined" : fmt(num(local), P);
        const ruleText = rule && rule !== shown ? '<span class="rule">' + esc(rule) + "</span> = " : "";
        return "&#8706;" + name(i) + "/&#8706;" + operand(p) + " = " + ruleText + '<span class="num">' + shown + "</span>";
      });
      recorded = "<p>It records its local gradients for the backward pass (the labels on its edges): " + parts.join("; ") + ".</p>";
    }
    const symbolic = expression(i, (j) => (nodes[j].c ? operand(j) : "<b>" + name(j) + "</b>"));
    const numeric = expression(i, (j) => valueHtml(nodes[j].d));
    return (
      heading(f, "<b>" + name(i) + "</b>" + opTag(i)) +
      '<div class="eq"><span><b>' + name(i) + "</b> =</span><span>" + symbolic + "</span></div>" +
      '<div class="eq"><span>=</span><span class="expr">' + numeric + "</span><span>=</span>" +
      valueHtml(value) + "</div>" +
      (isTensor(i) ? '<p class="shape">' + esc(nodes[i].t) + "</p>" : "") + recorded
    );
  }

  function explainSeed(f) {
    const out = name(D.root);
    return (
      heading(f, "seed the output") +
      "<p>The output <b>" + out + "</b> starts with &#8706;" + out + "/&#8706;" + out + " = " +
      valueHtml(D.bwd[0][1]) + "; every other gradient starts at 0 (a Tensor's at none). " +
      "The engine then visits each node after every node that uses it, from the output back " +
      "to the leaves, and pushes <i>upstream gradient &#215; local gradient</i> into each " +
      "operand, where contributions from several paths add up.</p>"
    );
  }

  function nothingFor(p) {
    return nodes[p].o === "const" ? "nothing (a constant needs no gradient)" : "nothing (it does not require grad)";
  }

  function explainBackward(f, k) {
    const [i, upstream, flows] = D.bwd[k];
    const me = name(i);
    const out = name(D.root);
    const op = nodes[i].o;
    let text =
      heading(f, "<b>" + me + "</b>" + opTag(i)) +
      "<p>Upstream gradient, everything that uses " + me + " having pushed into it: " +
      "<i>g</i> = &#8706;" + out + "/&#8706;" + me + " = " + valueHtml(upstream) + "</p>";
    const seen = new Set();
    if (!isTensor(i)) {
      text +=
        "<p>Each operand receives <i>g</i> &#215; its local gradient &#8706;" + me + "/&#8706;operand.</p>" +
        "<table><tr><th>operand</th><th>local gradient</th><th>receives <i>g</i> &#215; local</th>" +
        "<th>its gradient now</th></tr>";
      for (const [e, local, receives, total] of flows) {
        const [p, , pos] = D.edges[e];
        const rule = formula(op, pos, 0);
        // The rule beside the number (σ(x)(1-σ(x)) = 0.25), unless the rule is the number.
        const ruleText = rule && rule !== fmt(num(local), P) ? '<span class="rule">' + esc(rule) + "</span> = " : "";
        const localText = local === null ? "undefined here" : ruleText + scalarHtml(local);
        let got;
        if (!nodes[p].g) got = nothingFor(p);
        else if (receives === null) got = "included in the row above (same operand)";
        else if (local === null) got = scalarHtml(receives) + " (what the rule pushed)";
        else got = scalarHtml(upstream) + " &#215; " + scalarHtml(local) + " = " + scalarHtml(receives);
        text +=
          "<tr><td><b>" + operand(p) + '</b> <span class="role">' + roleOf(i, pos) + "</span></td><td>" +
          localText + "</td><td>" + got + "</td><td>" + (nodes[p].g ? valueHtml(total) : "&#8212;") + "</td></tr>";
      }
      return text + "</table>";
    }
    for (const [e, , receives, total] of flows) {
      const [p, , pos] = D.edges[e];
      const rule = formula(op, pos, 1);
      let body;
      if (!nodes[p].g) body = " receives " + nothingFor(p);
      else if (receives === null || seen.has(p)) body = " (the same operand again: counted above)";
      else {
        body =
          ' receives <span class="rule">' + esc(rule || "the rule of " + op) + "</span> =</div>" +
          '<div class="eq">' + valueHtml(receives) + "</div>" +
          "<div>its gradient now:</div>" + '<div class="eq">' + valueHtml(total);
      }
      seen.add(p);
      text +=
        '<div class="card"><div><b>' + operand(p) + '</b> <span class="role">' + roleOf(i, pos) + "</span>" +
        body + "</div></div>";
    }
    return text;
  }

  function explainUpdate(f) {
    const lr = D.upd.lr;
    const grads = gradsAt(f);
    const out = name(D.root);
    let text =
      heading(f, "gradient descent, lr = " + fmt(lr, P)) +
      "<p>Each parameter <i>p</i> takes one step against its gradient, " +
      "<i>p</i> &#8592; <i>p</i> &#8722; lr &#183; &#8706;" + out + "/&#8706;<i>p</i>, as " +
      "<code>torch.optim.SGD(params, lr=" + fmt(lr, P) + ")</code> would; the graph itself " +
      "is left as it was.</p>";
    if (D.upd.outside) {
      text += "<p>" + count(D.upd.outside, "parameter") + " given are not in this graph and stay as they are.</p>";
    }
    const shown = D.upd.new.slice(0, 100);
    if (shown.length && !isTensor(shown[0][0])) {
      text += "<table><tr><th>parameter</th><th><i>p</i> &#8722; lr &#215; grad</th><th>new value</th></tr>";
      for (const [i, value] of shown) {
        text +=
          "<tr><td><b>" + name(i) + "</b></td><td>" + scalarHtml(nodes[i].d) + " &#8722; " + fmt(lr, P) +
          " &#215; " + scalarHtml(grads[i]) + "</td><td>" + scalarHtml(value) + "</td></tr>";
      }
      text += "</table>";
    } else {
      for (const [i, value] of shown) {
        text +=
          '<div class="card"><div><b>' + name(i) + "</b> = </div>" + '<div class="eq">' + valueHtml(nodes[i].d) +
          "<span>&#8722; " + fmt(lr, P) + " &#215;</span>" + valueHtml(grads[i]) + "<span>=</span>" +
          valueHtml(value) + "</div></div>";
      }
    }
    if (D.upd.new.length > shown.length) {
      text += '<p class="more">and ' + (D.upd.new.length - shown.length) + " more: hover a purple node.</p>";
    }
    if (!D.upd.new.length) text += "<p>No parameter of this graph has a gradient: nothing moves.</p>";
    return text;
  }

  function explain(f) {
    const fr = frames[f];
    if (fr.ph === "forward") return fr.node < 0 ? explainLeaves(f) : explainForward(f, fr.node);
    if (fr.ph === "backward") return fr.k === 0 ? explainSeed(f) : explainBackward(f, fr.k);
    return explainUpdate(f);
  }

  // ------------------------------------------------------------------ one step on screen
  let cur = 0;
  const slider = $("slider");
  slider.max = String(LAST);

  function show(f) {
    f = Math.max(0, Math.min(LAST, Math.round(f)));
    cur = f;
    const fr = frames[f];
    const grads = gradsAt(f);
    const focus = focusOf(f);
    const operands = new Set();
    const receiving = new Set();
    if (fr.ph === "forward" && focus >= 0) for (const e of parentEdges[focus]) operands.add(D.edges[e][0]);
    if (fr.ph === "backward" && fr.k > 0) {
      for (const flow of D.bwd[fr.k][2]) if (flow[2] !== null) receiving.add(D.edges[flow[0]][0]);
    }
    const boxState = new Map();
    for (let i = 0; i < N; i++) {
      const pending = fr.ph === "forward" && born[i] > f;
      const value = valueAt(i, f);
      setRows(dataRows[i], "data", pending ? [] : lines(value));
      const grad = grads ? grads[i] : undefined;
      if (gradRows[i].length) setRows(gradRows[i], "grad", grads ? lines(grad) : []);
      let state = "";
      if (i === focus) state = "focus";
      else if (operands.has(i)) state = "operand";
      else if (receiving.has(i) && i !== focus) state = "receiving";
      else if (fr.ph === "update" && updated.has(i)) state = "updated";
      const bad = !pending && (isBad(value) || (grads !== null && nodes[i].g && isBad(grad)));
      setClass(nodeEl[i], "node" + (pending ? " pending" : "") + (state ? " " + state : "") +
        (bad ? " nan" : "") + (owner[i] >= 0 ? " hidden" : ""));
      if (owner[i] >= 0 && state) {
        const rank = { focus: 3, operand: 2, receiving: 2, updated: 1 };
        const old = boxState.get(owner[i]);
        if (!old || rank[state] > rank[old]) boxState.set(owner[i], state);
      }
    }
    D.edges.forEach(([p, c], e) => {
      const carrying = c === focus && fr.node >= 0 && fr.ph !== "update";
      const quiet = fr.ph === "forward" && born[c] > f;
      const hidden = owner[p] >= 0 && owner[p] === owner[c];
      setClass(edgeEl[e], "edge" + (carrying ? " carrying " + fr.ph : "") + (quiet ? " quiet" : "") +
        (hidden ? " hidden" : ""));
    });
    for (const [k, box] of boxes) {
      setClass(box, "boxed" + (boxState.has(k) ? " " + boxState.get(k) : ""));
      const rows = [];
      for (const i of outputs[k]) {
        const pending = fr.ph === "forward" && born[i] > f;
        rows.push((nodes[i].q || nodes[i].n) + ": " + (pending ? "" : lines(valueAt(i, f)).join(" ")));
        if (nodes[i].g) rows.push("  grad " + (grads ? lines(grads[i]).join(" ") : ""));
      }
      box.valueRows.forEach((el, r) => (el.textContent = (rows[r] || "").replace(/ /g, NB)));
    }
    $("explain").innerHTML = explain(f);
    refreshTree(grads, focus);
    slider.value = String(f);
    $("counter").textContent = "step " + f + " of " + LAST + " \u00b7 " + fr.ph;
    $("prev").disabled = $("first").disabled = f === 0;
    $("next").disabled = $("last").disabled = f === LAST;
    document.body.dataset.frame = String(f);
    document.body.dataset.phase = fr.ph;
    if ($("follow").checked && focus >= 0) reveal(owner[focus] >= 0 ? boxes.get(owner[focus]) : nodeEl[focus]);
    if (pinned >= 0) fillTip(pinned);
  }

  // ------------------------------------------------------------------ zoom and pan
  const READABLE = 1.4; // pixels per point: Graphviz's 10 pt text at 14 px
  const base = svg.viewBox.baseVal;
  const home = { x: base.x, y: base.y, w: base.width, h: base.height };
  const vb = Object.assign({}, home);
  const offset = () => {
    const m = layer.transform.baseVal.consolidate();
    return m ? m.matrix : { a: 1, d: 1, e: 0, f: 0 };
  };

  function applyView() {
    svg.setAttribute("viewBox", vb.x + " " + vb.y + " " + vb.w + " " + vb.h);
  }

  function pixelsPerUnit() {
    const r = svg.getBoundingClientRect();
    return Math.min(r.width / vb.w, r.height / vb.h) || 1;
  }

  // The drawing's coordinates under a point of the screen.
  function toDrawing(cx, cy) {
    const r = svg.getBoundingClientRect();
    const s = pixelsPerUnit();
    return { x: vb.x + (cx - r.left - (r.width - vb.w * s) / 2) / s, y: vb.y + (cy - r.top - (r.height - vb.h * s) / 2) / s };
  }

  function zoomAt(factor, cx, cy) {
    const zoom = home.w / (vb.w / factor);
    if (zoom < 0.5 || zoom > 80) return;
    const p = toDrawing(cx, cy);
    vb.x = p.x - (p.x - vb.x) / factor;
    vb.y = p.y - (p.y - vb.y) / factor;
    vb.w /= factor;
    vb.h /= factor;
    applyView();
  }

  function zoomBy(factor) {
    const r = svg.getBoundingClientRect();
    zoomAt(factor, r.left + r.width / 2, r.top + r.height / 2);
  }

  function fit() {
    Object.assign(vb, home);
    applyView();
  }

  // An element's box in the viewBox's coordinates.
  function boxOf(el) {
    const b = el.getBBox();
    const m = offset();
    return { x: m.a * b.x + m.e, y: m.d * b.y + m.f, w: m.a * b.width, h: m.d * b.height };
  }

  // Center the view on a box, keeping the view inside the drawing where it is smaller.
  function centerOn(b) {
    const clamp = (v, lo, span, size) => (size >= span ? lo + (span - size) / 2 : Math.min(Math.max(v, lo), lo + span - size));
    vb.x = clamp(b.x + b.w / 2 - vb.w / 2, home.x, home.w, vb.w);
    vb.y = clamp(b.y + b.h / 2 - vb.h / 2, home.y, home.h, vb.h);
    applyView();
  }

  // Pan (never zoom) so that the element is in view.
  function reveal(el) {
    if (!el) return;
    const b = boxOf(el);
    if (b.x >= vb.x && b.y >= vb.y && b.x + b.w <= vb.x + vb.w && b.y + b.h <= vb.y + vb.h) return;
    centerOn(b);
  }

  // Zoom to an element: to ``scale`` pixels per unit if given, else so that it fills the view.
  function zoomTo(el, scale) {
    if (!el) return;
    const b = boxOf(el);
    const r = svg.getBoundingClientRect();
    const aspect = r.height / Math.max(1, r.width);
    let w = scale ? r.width / scale : Math.max(b.w * 1.3, (b.h * 1.3) / aspect);
    w = Math.min(w, home.w * 2);
    vb.w = w;
    vb.h = w * aspect;
    centerOn(b);
  }

  let drag = null;
  let moved = false;
  view.addEventListener("wheel", (event) => {
    event.preventDefault();
    zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX, event.clientY);
  }, { passive: false });
  view.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || tip.contains(event.target)) return;
    drag = { x: event.clientX, y: event.clientY, vx: vb.x, vy: vb.y, id: event.pointerId };
    moved = false;
  });
  view.addEventListener("pointermove", (event) => {
    if (drag) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) > 4) {
        moved = true;
        view.classList.add("dragging");
        view.setPointerCapture(drag.id);
      }
      if (moved) {
        const s = pixelsPerUnit();
        vb.x = drag.vx - dx / s;
        vb.y = drag.vy - dy / s;
        applyView();
      }
    }
    if (pinned < 0 && hover >= 0) placeTip(event);
  });
  const endDrag = () => {
    drag = null;
    view.classList.remove("dragging");
    setTimeout(() => (moved = false), 0);
  };
  view.addEventListener("pointerup", endDrag);
  view.addEventListener("pointercancel", endDrag);

  // ------------------------------------------------------------------ tooltips
  let pinned = -1;
  let hover = -1;

  function fillTip(i) {
    const nd = nodes[i];
    const f = cur;
    const pending = frames[f].ph === "forward" && born[i] > f;
    const grads = gradsAt(f);
    let rows = "<dt>kind</dt><dd>" + nd.k + (nd.o ? ", made by <i>" + esc(nd.o) + "</i>" : "") + "</dd>";
    if (nd.s >= 0) rows += "<dt>scope</dt><dd>" + esc(scopeName(nd.s)) + "</dd>";
    if (nd.t) rows += "<dt>shape</dt><dd>" + esc(nd.t) + "</dd>";
    rows += '<dt>value</dt><dd class="full">' + (pending ? "not computed yet" : valueHtml(nd.d, true)) + "</dd>";
    if (nd.g) {
      const grad = grads ? valueHtml(grads[i], true) : "after the forward pass";
      rows += '<dt>gradient</dt><dd class="full">' + grad + "</dd>";
    }
    if (frames[f].ph === "update" && updated.has(i)) {
      rows += '<dt>after update</dt><dd class="full">' + valueHtml(updated.get(i), true) + "</dd>";
    }
    tip.innerHTML = "<h3>" + name(i) + "</h3><dl>" + rows + "</dl>";
  }

  function placeTip(event) {
    const r = view.getBoundingClientRect();
    let x = event.clientX - r.left + 14;
    let y = event.clientY - r.top + 14;
    if (x + tip.offsetWidth > r.width - 4) x = Math.max(4, event.clientX - r.left - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > r.height - 4) y = Math.max(4, r.height - tip.offsetHeight - 4);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function pinTip(i) {
    pinned = i;
    fillTip(i);
    tip.hidden = false;
    tip.classList.add("pinned");
    const b = nodeEl[i] && owner[i] < 0 ? nodeEl[i].getBoundingClientRect() : view.getBoundingClientRect();
    placeTip({ clientX: b.right, clientY: b.top });
  }

  function unpin() {
    pinned = -1;
    tip.hidden = true;
    tip.classList.remove("pinned");
  }

  const nodeIndex = (target) => {
    const g = target.closest && target.closest("g.node");
    return g && /^n\d+$/.test(g.id) ? Number(g.id.slice(1)) : -1;
  };
  svg.addEventListener("pointerover", (event) => {
    const i = nodeIndex(event.target);
    if (i < 0 || pinned >= 0) return;
    hover = i;
    fillTip(i);
    tip.hidden = false;
    placeTip(event);
  });
  svg.addEventListener("pointerout", (event) => {
    const i = nodeIndex(event.target);
    if (i >= 0 && nodeIndex(event.relatedTarget || document.body) !== i) {
      hover = -1;
      if (pinned < 0) tip.hidden = true;
    }
  });
  svg.addEventListener("click", (event) => {
    if (moved) return;
    const i = nodeIndex(event.target);
    if (i >= 0) return pinned === i ? unpin() : pinTip(i);
    const label = event.target.closest("g.cluster > text");
    if (label) {
      const k = clusterEl.indexOf(label.parentNode);
      if (k >= 0) return setCollapsed(k, true);
    }
    unpin();
  });
  svg.addEventListener("dblclick", (event) => {
    const i = nodeIndex(event.target);
    if (i >= 0) zoomTo(nodeEl[i], READABLE);
  });

  // ------------------------------------------------------------------ controls
  let timer = null;
  const playButton = $("play");
  const speed = $("speed");

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playButton.innerHTML = "&#9654; play";
    playButton.setAttribute("aria-label", "play");
    document.body.dataset.playing = "false";
  }

  function play() {
    stop();
    if (cur >= LAST) show(0);
    timer = setInterval(() => (cur >= LAST ? stop() : show(cur + 1)), 1000 / Number(speed.value));
    playButton.innerHTML = "&#10074;&#10074; pause";
    playButton.setAttribute("aria-label", "pause");
    document.body.dataset.playing = "true";
  }

  const toggle = () => (timer === null ? play() : stop());
  playButton.addEventListener("click", toggle);
  speed.addEventListener("change", () => timer !== null && play());
  $("first").addEventListener("click", () => show(0));
  $("prev").addEventListener("click", () => show(cur - 1));
  $("next").addEventListener("click", () => show(cur + 1));
  $("last").addEventListener("click", () => show(LAST));
  slider.addEventListener("input", () => show(Number(slider.value)));
  $("zoom-in").addEventListener("click", () => zoomBy(1.4));
  $("zoom-out").addEventListener("click", () => zoomBy(1 / 1.4));
  $("zoom-fit").addEventListener("click", fit);
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey || t.tagName === "SELECT") return;
    if (t === slider && event.key.startsWith("Arrow")) return; // the slider moves itself
    const keys = {
      ArrowRight: () => show(cur + 1),
      ArrowLeft: () => show(cur - 1),
      Home: () => show(0),
      End: () => show(LAST),
      "+": () => zoomBy(1.4),
      "=": () => zoomBy(1.4),
      "-": () => zoomBy(1 / 1.4),
      "0": fit,
      Escape: unpin,
    };
    if (event.key === " " && t.tagName !== "BUTTON") keys[" "] = toggle;
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  const phases = $("phases");
  for (const [ph, start, n] of [["forward", 0, B0], ["backward", B0, (U < 0 ? LAST + 1 : U) - B0], ["update", U, 1]]) {
    if (n <= 0 || start < 0) continue;
    const bar = document.createElement("div");
    bar.className = ph;
    bar.style.flex = String(n);
    bar.title = ph + ": steps " + start + " to " + (start + n - 1);
    bar.addEventListener("click", () => show(start));
    phases.appendChild(bar);
  }

  // For tests and for the curious: the explorer from the console.
  window.explorer = {
    show: show,
    frame: () => cur,
    count: frames.length,
    starts: { forward: 0, backward: B0, update: U },
    play: play,
    stop: stop,
    zoom: () => home.w / vb.w,
    zoomBy: zoomBy,
    fit: fit,
    collapse: setCollapsed,
    hidden: (i) => owner[i] >= 0,
    format: fmt,
  };

  // A small graph is not blown up past twice its drawn size: "fit" leaves a margin then.
  const fitted = pixelsPerUnit();
  if (fitted > 2) {
    const grow = fitted / 2;
    home.x -= (home.w * (grow - 1)) / 2;
    home.y -= (home.h * (grow - 1)) / 2;
    home.w *= grow;
    home.h *= grow;
    fit();
  }
  buildTree();
  layout();
  show(0);
  // The whole graph if its text can be read so, else a readable part where the pass starts.
  if (pixelsPerUnit() < 0.6) zoomTo(nodeEl[D.fwd.length ? D.fwd[0] : D.root], READABLE);
  document.body.dataset.ready = "true";
  // Opened: the first step is on screen (a frame painted after the script ran).
  requestAnimationFrame(() => setTimeout(() => {
    window.explorer.opened = performance.now();
    document.body.dataset.opened = "true";
  }, 0));
})();
