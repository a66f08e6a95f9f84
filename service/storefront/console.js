// The SPARQL console: saved analyst queries, run read-only through /sparql, results as a table.
"use strict";

const $ = (id) => document.getElementById(id);

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

function cell(term) {
  return term ? term.value : "";
}

function table(results) {
  const vars = results.head.vars || [];
  const head = document.createElement("tr");
  for (const name of vars) head.append(Object.assign(document.createElement("th"), { textContent: name }));
  const rows = (results.results ? results.results.bindings : []).map((binding) => {
    const row = document.createElement("tr");
    for (const name of vars) row.append(Object.assign(document.createElement("td"), { textContent: cell(binding[name]) }));
    return row;
  });
  const node = document.createElement("table");
  node.append(head, ...rows);
  return { node, count: rows.length };
}

async function select(query) {
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
    body: query,
  });
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try { detail = JSON.parse(text).detail || text; } catch (_) { /* plain text error */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  return JSON.parse(text);
}

async function run() {
  showError(null);
  $("status").textContent = "running…";
  const started = performance.now();
  try {
    const results = await select($("query").value);
    if ("boolean" in results) {
      $("results").replaceChildren(`ASK: ${results.boolean}`);
      $("status").textContent = "";
      return;
    }
    const { node, count } = table(results);
    $("results").replaceChildren(node);
    $("status").textContent = `${count} row${count === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms`;
    document.body.dataset.rows = String(count);
  } catch (error) {
    $("status").textContent = "";
    showError(error.message);
  }
}

// The named graphs with their statement counts; each links to the whole graph as Turtle.
async function listGraphs(query) {
  try {
    const results = await select(query.text);
    const rows = results.results.bindings.map((binding) => {
      const row = document.createElement("tr");
      const graph = cell(binding.graph);
      const link = Object.assign(document.createElement("a"), {
        href: `/sparql/graph?graph=${encodeURIComponent(graph)}`,
        textContent: graph.replace("https://w3id.org/atelier/graph/", "graph/"),
        title: `${graph} (Turtle)`,
      });
      const name = document.createElement("td");
      name.append(link);
      const count = Number(cell(binding.statements)).toLocaleString("en");
      row.append(name, ...[cell(binding.view), count, cell(binding.model)].map(
        (text) => Object.assign(document.createElement("td"), { textContent: text })));
      return row;
    });
    const head = document.createElement("tr");
    for (const name of ["graph", "view", "statements", "model"]) head.append(Object.assign(document.createElement("th"), { textContent: name }));
    const node = document.createElement("table");
    node.append(head, ...rows);
    $("graphs").replaceChildren(node);
    document.body.dataset.graphs = String(rows.length);
  } catch (error) { showError(`named graphs: ${error.message}`); }
}

async function start() {
  $("run").addEventListener("click", run);
  try {
    const response = await fetch("/queries");
    const saved = await response.json();
    const graphs = saved.find((query) => query.name === "named-graphs");
    if (graphs) await listGraphs(graphs);
    for (const query of saved) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = query.name;
      button.title = query.description || "";
      button.addEventListener("click", () => { $("query").value = query.text; run(); });
      $("queries").append(button);
    }
  } catch (error) { showError(`saved queries: ${error.message}`); }
  document.body.dataset.ready = "true";
}

start();
