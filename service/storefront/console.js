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

async function run() {
  showError(null);
  $("status").textContent = "running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: $("query").value,
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try { detail = JSON.parse(text).detail || text; } catch (_) { /* plain text error */ }
      throw new Error(`${response.status}: ${detail}`);
    }
    const results = JSON.parse(text);
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

async function start() {
  $("run").addEventListener("click", run);
  try {
    const response = await fetch("/queries");
    const saved = await response.json();
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
