// The demo storefront: pick a shopper, see their shelves, buy, and watch the shelves change.
// Plain browser JavaScript against the Atelier API; no build step, no dependencies.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { shopper: null, shown: new Set() };

function apiKey() {
  // The key arrives once in the URL fragment (never sent to a server) and is kept locally.
  const match = location.hash.match(/key=([^&]+)/);
  if (match) {
    localStorage.setItem("atelier-key", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem("atelier-key");
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${body.detail || response.statusText}`);
  return body;
}

function showError(error) {
  $("error").hidden = !error;
  $("error").textContent = error ? String(error.message || error) : "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function card(item, extra = {}) {
  const swatches = el("div", { class: "swatches" });
  for (const colour of item.colours || []) {
    if (colour.hex) {
      const dot = el("span", { title: `${colour.name} ${colour.hex}` });
      dot.style.background = colour.hex;  // CSSOM, which the page's CSP allows
      swatches.append(dot);
    } else {
      swatches.append(colour.name + " ");
    }
  }
  const node = el(
    "div",
    { class: "card", "data-article": item.article_id },
    item.image_url ? el("img", { src: item.image_url, alt: item.name || item.article_id, loading: "lazy" }) : null,
    el("div", { class: "name" }, item.name || item.article_id),
    el("div", { class: "meta" }, `${item.category || ""} · ${item.article_id}`),
    swatches,
    extra.badge ? el("div", {}, el("span", { class: `badge ${extra.badge}` }, extra.badge), " ", extra.when || "") : null,
    item.reason ? el("div", { class: "reason" }, item.reason) : null,
  );
  if (extra.actions) {
    node.append(el("div", { class: "actions" },
      el("button", { class: "buy", type: "button", onclick: () => buy(item) }, "Buy"),
      el("button", { type: "button", onclick: () => goesWith(item) }, "Goes with"),
    ));
  }
  return node;
}

function fill(id, items, render) {
  const shelf = $(id);
  shelf.replaceChildren(...items.map(render));
  if (!items.length) shelf.append(el("p", { class: "empty" }, "nothing here"));
}

async function loadShoppers() {
  const shoppers = await api("/customers?limit=40");
  $("shopper").replaceChildren(...shoppers.map((s) =>
    el("option", { value: s.customer_id }, `${s.customer_id} (${s.purchases} purchases)`)));
  return shoppers;
}

async function show(shopper, { highlight = false } = {}) {
  state.shopper = shopper;
  $("who").textContent = shopper;
  const id = encodeURIComponent(shopper);
  const [shelf, rebuy, past] = await Promise.all([
    api(`/recommend/${id}?k=12`),
    api(`/rebuy/${id}?k=6`).catch(() => ({ items: [] })),
    api(`/customers/${id}/history?limit=12`),
  ]);
  const before = state.shown;
  state.shown = new Set(shelf.items.map((i) => i.article_id));
  const flags = [shelf.cold_start ? "cold start" : null, shelf.fallback ? "best sellers (no model)" : null,
    shelf.model_version ? `model ${shelf.model_version}` : null].filter(Boolean);
  $("flags").textContent = flags.length ? `— ${flags.join(", ")}` : "";
  fill("recommend", shelf.items, (item) => {
    const node = card(item, { actions: true });
    if (highlight && !before.has(item.article_id)) node.classList.add("new");
    return node;
  });
  fill("rebuy", rebuy.items, (item) => card(item, { actions: true }));
  fill("history", past.events.filter((e) => e.article), (e) =>
    card(e.article, { badge: e.event_type, when: e.occurred_at.slice(0, 10) }));
  return shelf;
}

async function buy(item) {
  const key = apiKey();
  if (!key) { showError("No API key: open the URL `atelier serve` printed (it ends in #key=…)."); return; }
  const eventId = (crypto.randomUUID && crypto.randomUUID()) || `${Date.now()}-${Math.random()}`;
  try {
    await api("/events", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-API-Key": key },
      body: JSON.stringify({ event_id: eventId, customer_id: state.shopper, article_id: item.article_id,
        event_type: "purchase", channel: "storefront" }),
    });
    const before = new Set(state.shown);
    const shelf = await show(state.shopper, { highlight: true });
    const fresh = shelf.items.filter((i) => !before.has(i.article_id)).length;
    $("status").textContent = `Bought ${item.name || item.article_id}: ${fresh} new recommendation${fresh === 1 ? "" : "s"}.`;
    await goesWith(item);
    showError(null);
  } catch (error) { showError(error); }
}

async function goesWith(item) {
  try {
    const shelf = await api(`/complements/${encodeURIComponent(item.article_id)}?k=6`);
    $("complements-of").textContent = item.name || item.article_id;
    $("complements-section").hidden = false;
    fill("complements", shelf.items, (i) => card(i, { actions: true }));
  } catch (error) { showError(error); }
}

async function start() {
  $("key-state").textContent = apiKey() ? "set (buying works)" : "missing (open the URL with #key=…)";
  $("go").addEventListener("click", () => {
    const typed = $("shopper-id").value.trim();
    show(typed || $("shopper").value).then(() => showError(null), showError);
  });
  $("shopper").addEventListener("change", () => show($("shopper").value).then(() => showError(null), showError));
  try {
    const shoppers = await loadShoppers();
    const wanted = new URLSearchParams(location.search).get("shopper");
    const first = wanted || (shoppers[0] && shoppers[0].customer_id) || "new-shopper";
    if (wanted) $("shopper-id").value = wanted;
    if (shoppers.some((s) => s.customer_id === first)) $("shopper").value = first;
    await show(first);
    document.body.dataset.ready = "true";
  } catch (error) { showError(error); }
}

start();
