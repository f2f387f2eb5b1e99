// The dashboard: follows the registry through one long-poll on /stages (any change in any stage
// wakes it), reads the catalog of each stage that changed, and draws the overview or one service.

import { ApiError, Unreachable, getJson, postJson, token } from './api.js';
import { duration, statusLabel, count } from './format.js';
import { Overview, ServicePage, connecting, emptyRegistry, noMatch, renderSummary, setChildren } from './render.js';
import { ConfigFollower, ConfigPanel } from './config.js';

/** How long the server holds a /stages poll when nothing changes. */
const WAIT_SECONDS = 25;
/** Waits between attempts while the server is unreachable: 1 s, 2 s, 4 s, then every 5 s. */
const RETRY_MS = [1000, 2000, 4000, 5000];
/** How often an open service page re-reads its instances' lease times (a renewal is not a change). */
const LEASE_REFRESH_MS = 5000;

const $ = (id) => document.getElementById(id);

const state = {
  epoch: null,
  revision: null,
  /** stage -> {index, services: Map(service -> view)}; each view carries `at`, when it was read. */
  catalogs: new Map(),
  /** [{name, services: [{service, view}]}], sorted; rebuilt when a catalog changes. */
  stages: null,
  health: null,
  healthAt: 0,
  connection: { state: 'connecting', attempt: 0, since: null, retryAt: 0, reason: '' },
  /** Keys (stage NUL id) of instances with a write in flight. */
  pending: new Set(),
  /** The filter text of each page: 'overview', or 'service:' and the service's name. */
  filters: new Map(),
  firstRenderMarked: false,
};

const overview = new Overview();
let servicePage = null;
/** The open service page's configuration: its panel and the long-poll that follows it. */
let config = null;
let retryNow = () => {};

// ---------------------------------------------------------------- following the registry

async function follow() {
  for (;;) {
    try {
      const poll = state.revision === null ? 'stages' : `stages?index=${state.revision}&wait=${WAIT_SECONDS}s`;
      const answer = await getJson(poll, { timeoutMs: (WAIT_SECONDS + 15) * 1000 });
      if (state.epoch !== null && (answer.epoch !== state.epoch || answer.index < state.revision)) {
        state.catalogs.clear();  // another run of the server: its indexes say nothing of ours
        state.stages = null;
      }
      state.epoch = answer.epoch;
      const [health] = await Promise.all([getJson('health'), readCatalogs(answer.stages ?? {})]);
      state.health = health;
      state.healthAt = performance.now();
      state.revision = answer.index;
      state.connection = { state: 'live', attempt: 0, since: null, retryAt: 0, reason: '' };
      render();
    } catch (e) {
      failed(e);
      render();
      await retryPause();
    }
  }
}

/** Reads the catalog of every stage whose index moved; forgets the stages that are gone. */
async function readCatalogs(stages) {
  const changed = Object.entries(stages).filter(([name, s]) => state.catalogs.get(name)?.index !== s.index);
  const read = await Promise.all(changed.map(([name]) => getJson(`catalog?stage=${encodeURIComponent(name)}`)));
  const at = performance.now();
  read.forEach((catalog, i) => {
    const services = new Map();
    for (const [service, view] of Object.entries(catalog.services ?? {})) {
      view.at = at;
      services.set(service, view);
    }
    state.catalogs.set(changed[i][0], { index: catalog.index, services });
  });
  let forgot = false;
  for (const name of [...state.catalogs.keys()]) {
    if (!(name in stages)) {
      state.catalogs.delete(name);
      forgot = true;
    }
  }
  if (changed.length > 0 || forgot || state.stages === null) {
    state.stages = [...state.catalogs.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, c]) => ({
        name,
        services: [...c.services.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([service, view]) => ({ service, view })),
      }));
  }
}

function failed(e) {
  const c = state.connection;
  const attempt = c.attempt + 1;
  const reason = e instanceof ApiError ? `${e.status} ${e.code}: ${e.message}`
    : e instanceof Unreachable ? e.message : String(e);
  state.revision = null;  // read everything again once it answers
  state.connection = {
    state: 'unreachable',
    attempt,
    since: c.since ?? new Date(),
    retryAt: performance.now() + RETRY_MS[Math.min(attempt, RETRY_MS.length) - 1],
    reason,
  };
}

function retryPause() {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, state.connection.retryAt - performance.now()));
    function done() {
      clearTimeout(timer);
      retryNow = () => {};
      resolve();
    }
    retryNow = done;
  });
}

/** While a service page is open, its lease times are read again now and then. */
async function refreshLeases() {
  const route = currentRoute();
  if (route.view !== 'service' || state.connection.state !== 'live' || document.hidden) {
    return;
  }
  for (const [stage, catalog] of state.catalogs) {
    const held = catalog.services.get(route.service);
    if (!held) continue;
    try {
      const view = await getJson(
        `discover/${encodeURIComponent(route.service)}?stage=${encodeURIComponent(stage)}`, { accept: [404] });
      // An equal view only brings fresher times; a newer one is taken whole (the next catalog
      // read brings it anyway). A service gone from the stage is left to that read.
      if (view.count > 0 && view.index >= held.index && state.catalogs.get(stage) === catalog) {
        const fresh = { index: view.index, count: view.count, instances: view.instances, at: performance.now() };
        catalog.services.set(route.service, fresh);
        const entry = state.stages?.find((s) => s.name === stage)?.services.find((s) => s.service === route.service);
        if (entry) entry.view = fresh;
      }
    } catch {
      return;  // the follower notices and says so
    }
  }
  render();
}

// ---------------------------------------------------------------- steering

async function steer(button) {
  const { service, stage, id, action } = button.dataset;
  const key = `${stage}\u0000${id}`;
  if (action === 'deregister' && button.dataset.armed !== 'true') {
    arm(button);
    return;
  }
  state.pending.add(key);
  render();
  try {
    if (action === 'deregister') {
      await postJson('deregister', { service, stage, id });
      notify(`Deregistered ${id} of ${service} (${stage}).`);
    } else {
      const status = action === 'out-of-service' ? 'OUT_OF_SERVICE' : 'UP';
      await postJson('status', { service, stage, id, status });
      notify(`${id} of ${service} (${stage}) is now ${statusLabel(status)}.`);
    }
  } catch (e) {
    if (e instanceof ApiError) {
      notify(`Refused: ${e.status} ${e.code}: ${e.message}`, true);
      if (e.status === 401) {
        openToken();
      }
    } else {
      notify(`Not sent: the registry did not answer (${e.message}).`, true);
    }
  } finally {
    state.pending.delete(key);
    render();
  }
}

/** A deregistration takes a second click within five seconds. */
function arm(button) {
  button.dataset.armed = 'true';
  button.textContent = 'Confirm deregister';
  setTimeout(() => {
    if (button.isConnected && button.dataset.armed === 'true') {
      button.dataset.armed = 'false';
      button.textContent = 'Deregister';
    }
  }, 5000);
}

function notify(text, error = false) {
  const notice = $('notice');
  $('notice-text').textContent = text;
  notice.classList.toggle('notice-error', error);
  notice.setAttribute('role', error ? 'alert' : 'status');
  notice.hidden = false;
}

// ---------------------------------------------------------------- the token

function showTokenState() {
  $('token-state').textContent = token.get() ? 'set' : 'none';
}

function openToken() {
  $('token-panel').hidden = false;
  $('token-toggle').setAttribute('aria-expanded', 'true');
  $('token-input').focus();
}

function closeToken() {
  $('token-panel').hidden = true;
  $('token-toggle').setAttribute('aria-expanded', 'false');
}

// ---------------------------------------------------------------- drawing

function currentRoute() {
  const match = /^#\/service\/([^/]+)$/.exec(location.hash);
  if (match) {
    try {
      return { view: 'service', service: decodeURIComponent(match[1]) };
    } catch {
      // a mangled hash: the overview
    }
  }
  return { view: 'overview' };
}

function prefs(route) {
  return {
    filter: $('filter').value.trim().toLowerCase(),
    stage: $('stage-filter').value,
    onlyProblems: $('only-problems').checked,
  };
}

function render() {
  const started = performance.now();
  const focused = document.activeElement;
  const focusKey = focused && $('view').contains(focused) ? focused.dataset.focus : undefined;
  draw();
  if (focusKey && !focused.isConnected) {
    // The row was rebuilt (its instance changed): keep the keyboard where it was.
    [...$('view').querySelectorAll('[data-focus]')].find((e) => e.dataset.focus === focusKey)?.focus();
  }
  if (!state.firstRenderMarked && state.stages !== null) {
    // The first screen with the registry on it, laid out (the layout the next frame would do
    // anyway): the figure the tests report for a thousand services.
    document.documentElement.getBoundingClientRect();
    state.firstRenderMarked = true;
    performance.mark('dashboard:first-render');
  }
  performance.measure('dashboard:render', { start: started, end: performance.now() });
}

function draw() {
  const route = currentRoute();
  document.body.classList.toggle('stale', state.connection.state === 'unreachable');
  renderHealth();
  renderBanner();
  renderStageOptions();
  const view = $('view');
  $('page-head').hidden = route.view !== 'service';
  // Nothing to filter in an empty registry (an open service page still says its service is gone).
  $('toolbar').hidden = state.stages?.length === 0 && route.view !== 'service';
  if (state.stages === null) {
    $('summary').replaceChildren();
    $('shown').textContent = '';
    setChildren(view, [connecting(state.connection.state === 'unreachable'
      ? 'The registry has not answered yet.' : 'Reading the registry…')]);
    return;
  }
  renderSummary($('summary'), state.stages);
  const p = prefs(route);
  if (route.view === 'service') {
    if (servicePage?.service !== route.service) {
      servicePage = new ServicePage(route.service);
    }
    followConfig(route.service);
    const views = state.stages.flatMap((s) =>
      s.services.filter((e) => e.service === route.service).map((e) => ({ stage: s.name, view: e.view })));
    const shown = servicePage.render(views, p, state.pending, config.follower.state.index);
    config.panel.render(config.follower.state, views.flatMap((v) => v.view.instances));
    if ($('page-title').firstChild !== servicePage.head) $('page-title').replaceChildren(servicePage.head);
    $('shown').textContent = shown.total === 0 ? '' : `${count(shown.shown)} of ${count(shown.total)} instances`;
    setChildren(view, [servicePage.root, config.panel.root]);
  } else if (state.stages.length === 0) {
    followConfig(null);
    setChildren(view, [emptyRegistry()]);
  } else {
    followConfig(null);
    const shown = overview.render(state.stages, p);
    $('shown').textContent = shown.matched > shown.shown
      ? `${count(shown.shown)} of ${count(shown.matched)} matching services shown: narrow the filter`
      : `${count(shown.shown)} of ${count(shown.total)} services`;
    setChildren(view, [shown.shown > 0 ? overview.root : noMatch($('filter').value.trim(), clearFilters)]);
  }
}

/** Follows the configuration of the service shown, and only that one. */
function followConfig(service) {
  if (config?.service === service) return;
  config?.follower.stop();
  config = service === null ? null : {
    service,
    panel: new ConfigPanel(service, notify, openToken),
    follower: new ConfigFollower(service, render),
  };
}

function renderHealth() {
  const pill = $('health-pill');
  const detail = $('health-detail');
  const c = state.connection;
  document.title = c.state === 'unreachable' ? 'Unreachable · Registry' : 'Registry';
  if (c.state === 'unreachable') {
    pill.className = 'pill pill-down';
    pill.textContent = 'Unreachable';
  } else if (c.state === 'connecting' || !state.health) {
    pill.className = 'pill pill-wait';
    pill.textContent = 'Connecting';
  } else {
    const healthy = state.health.status === 'healthy';
    pill.className = `pill ${healthy ? 'pill-up' : 'pill-down'}`;
    pill.textContent = healthy ? 'Healthy' : String(state.health.status);
  }
  if (state.health) {
    const up = state.health.uptime_seconds + (c.state === 'live' ? (performance.now() - state.healthAt) / 1000 : 0);
    detail.textContent = `up ${duration(up)} · index ${count(state.health.index)}`;
  }
}

function renderBanner() {
  const c = state.connection;
  const banner = $('banner');
  banner.hidden = c.state !== 'unreachable';
  if (banner.hidden) return;
  const wait = Math.max(0, Math.ceil((c.retryAt - performance.now()) / 1000));
  $('banner-text').textContent = `The registry is unreachable since ${c.since.toTimeString().slice(0, 8)} (${c.reason}). `
    + `Retrying ${wait > 0 ? `in ${wait} s` : 'now'} (attempt ${c.attempt + 1}). `
    + (state.stages ? 'What is shown is the last state read.' : '');
}

function renderStageOptions() {
  const select = $('stage-filter');
  const names = (state.stages ?? []).map((s) => s.name);
  const selected = select.value;
  if (selected && !names.includes(selected)) names.push(selected);  // keep a choice whose stage emptied
  names.sort();
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('\u0000') !== names.join('\u0000')) {
    const first = select.options[0];
    select.replaceChildren(first, ...names.map((n) => new Option(n, n)));
    select.value = selected;
  }
}

function clearFilters() {
  $('filter').value = '';
  $('stage-filter').value = '';
  $('only-problems').checked = false;
  render();
  $('filter').focus();
}

// ---------------------------------------------------------------- wiring

let lastRoute = currentRoute();

function filterKey(route) {
  return route.view === 'service' ? `service:${route.service}` : 'overview';
}

function onRoute() {
  const route = currentRoute();
  state.filters.set(filterKey(lastRoute), $('filter').value);
  $('filter').value = state.filters.get(filterKey(route)) ?? '';
  lastRoute = route;
  render();
  const heading = route.view === 'service' ? $('page-title').querySelector('h1') : $('view').querySelector('h1');
  (heading ?? $('main')).focus();
  if (route.view === 'service') refreshLeases();
}

function start() {
  $('origin').textContent = new URL('../', document.baseURI).host;
  showTokenState();
  $('filter').addEventListener('input', render);
  $('stage-filter').addEventListener('change', render);
  $('only-problems').addEventListener('change', render);
  $('retry-now').addEventListener('click', () => retryNow());
  $('skip').addEventListener('click', (event) => {
    event.preventDefault();  // the hash names the page shown; the skip link only moves the focus
    $('main').focus();
  });
  $('notice-close').addEventListener('click', () => { $('notice').hidden = true; });
  $('token-toggle').addEventListener('click', () => ($('token-panel').hidden ? openToken() : closeToken()));
  $('token-panel').addEventListener('submit', (event) => {
    event.preventDefault();  // the token never leaves in a form submission
    const value = $('token-input').value.trim();
    $('token-input').value = '';
    if (value) {
      token.set(value);
      notify('The token is set for this tab; writes carry it.');
    } else {
      token.clear();
    }
    showTokenState();
    closeToken();
    $('token-toggle').focus();
  });
  $('token-forget').addEventListener('click', () => {
    token.clear();
    $('token-input').value = '';
    showTokenState();
    notify('The token is forgotten; writes go without one.');
  });
  $('view').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button && button.getAttribute('aria-disabled') !== 'true') steer(button);
  });
  window.addEventListener('hashchange', onRoute);
  setInterval(() => {
    renderHealth();
    renderBanner();
    servicePage?.tick(performance.now());
  }, 1000);
  setInterval(refreshLeases, LEASE_REFRESH_MS);
  render();
  follow();
}

start();
