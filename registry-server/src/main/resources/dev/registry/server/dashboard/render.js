// The dashboard's DOM. Every value from the registry becomes a Text node or an attribute value,
// never markup: nothing here parses HTML, and the page's Trusted Types policy would refuse it.

import { STATUSES, statusLabel, statusClass, duration, leaseLeft, count, plural } from './format.js';

/** Addresses listed in an overview row before "+N more". */
const ADDRESSES_PER_ROW = 6;
/** Rows the overview shows at most; past it, the filter narrows the list. */
const MAX_ROWS = 2000;

/** An element with attributes (false and null left out) and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : String(child));
    }
  }
  return el;
}

/**
 * Makes {@code nodes} the children of {@code parent}, moving as few as it can: a node that stays
 * where it was is not touched, so the element holding the keyboard focus keeps it.
 */
export function setChildren(parent, nodes) {
  const keep = new Set(nodes);
  for (const child of [...parent.childNodes]) {
    if (!keep.has(child)) child.remove();
  }
  let at = parent.firstChild;
  for (const node of nodes) {
    if (node === at) {
      at = at.nextSibling;
    } else {
      parent.insertBefore(node, at);
    }
  }
}

export function serviceHref(service) {
  return `#/service/${encodeURIComponent(service)}`;
}

export function countByStatus(instances) {
  const counts = {};
  for (const instance of instances) {
    counts[instance.status] = (counts[instance.status] ?? 0) + 1;
  }
  return counts;
}

function badges(counts) {
  const known = STATUSES.filter((s) => counts[s] > 0);
  const other = Object.keys(counts).filter((s) => !STATUSES.includes(s));
  return [...known, ...other].map((s) =>
    h('span', { class: `badge b-${statusClass(s)}` }, `${count(counts[s])} ${statusLabel(s)}`));
}

function statusBadge(status) {
  return h('span', { class: `badge b-${statusClass(status)}` }, statusLabel(status));
}

/** The totals strip: stages, services, instances, and instances by status. */
export function renderSummary(container, stages) {
  const names = new Set();
  const counts = {};
  let instances = 0;
  for (const stage of stages) {
    for (const { service, view } of stage.services) {
      names.add(service);
      instances += view.instances.length;
      for (const instance of view.instances) {
        counts[instance.status] = (counts[instance.status] ?? 0) + 1;
      }
    }
  }
  const tile = (label, value, cls = '') =>
    h('div', { class: `tile ${cls}` }, h('span', { class: 'tile-value' }, count(value)), h('span', { class: 'tile-label' }, label));
  container.replaceChildren(
    tile('stages', stages.length),
    tile('services', names.size),
    tile('instances', instances),
    ...STATUSES.map((s) => tile(statusLabel(s), counts[s] ?? 0, `t-${statusClass(s)}${counts[s] ? '' : ' t-zero'}`)));
}

/**
 * The overview: a section per stage, a row per service with its instances by status and their
 * addresses. Rows are kept by stage, service and view index, so a change rebuilds only the rows
 * of the views it changed, and filtering moves rows without building them.
 */
export class Overview {
  constructor() {
    this.rows = new Map();
    this.sections = new Map();
    this.root = h('div', { class: 'overview' });
  }

  /**
   * @param stages [{name, services: [{service, view}]}], sorted
   * @param prefs {filter (lower case), stage ('' for all), onlyProblems}
   * @return {shown, matched, total}: rows shown (at most MAX_ROWS), rows that match, services
   */
  render(stages, prefs) {
    const live = new Set();
    const sections = [];
    let shown = 0;
    let matched = 0;
    let total = 0;
    for (const stage of stages) {
      total += stage.services.length;
      if (prefs.stage && stage.name !== prefs.stage) {
        continue;
      }
      const rows = [];
      let instances = 0;
      for (const { service, view } of stage.services) {
        const key = `${stage.name}\u0000${service}`;
        live.add(key);
        let row = this.rows.get(key);
        if (!row || row.index !== view.index) {
          row = describeService(service, view);
          this.rows.set(key, row);
        }
        if (!matches(row, prefs)) {
          continue;
        }
        matched++;
        if (shown + rows.length < MAX_ROWS) {
          row.tr ??= serviceRow(stage.name, service, row.instances);
          rows.push(row.tr);
          instances += row.instances.length;
        }
      }
      if (rows.length > 0) {
        shown += rows.length;
        sections.push(this.section(stage, rows, instances));
      }
    }
    for (const key of this.rows.keys()) {
      if (!live.has(key)) this.rows.delete(key);
    }
    for (const name of this.sections.keys()) {
      if (!stages.some((s) => s.name === name)) this.sections.delete(name);
    }
    setChildren(this.root, sections);
    return { shown, matched, total };
  }

  section(stage, rows, instances) {
    let s = this.sections.get(stage.name);
    if (!s) {
      const title = h('span', { class: 'stage-name' }, stage.name);
      const meta = h('span', { class: 'muted' });
      // A grid of rows rather than a <table>: a row off the screen is then skipped by layout
      // (content-visibility), which a thousand rows of an automatic table layout are not.
      const tbody = h('div', { role: 'rowgroup' });
      const table = h('div', { class: 'services', role: 'table', 'aria-label': `Services in stage ${stage.name}` },
        h('div', { role: 'rowgroup' }, h('div', { class: 'row head', role: 'row' },
          h('div', { role: 'columnheader' }, 'Service'),
          h('div', { role: 'columnheader' }, 'Instances'),
          h('div', { role: 'columnheader' }, 'Addresses'))),
        tbody);
      const el = h('section', { class: 'stage', dataset: { stage: stage.name }, 'aria-label': `Stage ${stage.name}` },
        h('h2', { class: 'stage-head' }, h('span', { class: 'muted' }, 'stage '), title, ' ', meta), table);
      s = { el, meta, tbody };
      this.sections.set(stage.name, s);
    }
    s.meta.textContent = `${plural(rows.length, 'service', 'services')} · ${plural(instances, 'instance', 'instances')}`;
    setChildren(s.tbody, rows);
    return s.el;
  }
}

function matches(row, prefs) {
  return (!prefs.onlyProblems || row.problem) && (!prefs.filter || row.haystack.includes(prefs.filter));
}

/** What the filters need of a service's view; its row is built only once it is shown. */
function describeService(service, view) {
  const instances = [...view.instances].sort((a, b) => compare(a.address, b.address));
  const haystack = [service, ...instances.flatMap((i) => [i.address, i.id, ...Object.values(i.metadata ?? {})])]
    .join('\u0000').toLowerCase();
  return { index: view.index, instances, haystack, problem: instances.some((i) => i.status !== 'UP'), tr: null };
}

function serviceRow(stage, service, instances) {
  const listed = instances.slice(0, ADDRESSES_PER_ROW);
  const more = instances.length - listed.length;
  return h('div', { class: 'row', role: 'row', dataset: { service, stage } },
    h('div', { class: 'c-name', role: 'rowheader' },
      h('a', { class: 'svc', href: serviceHref(service), dataset: { focus: `svc/${stage}/${service}` } }, service)),
    h('div', { class: 'c-status', role: 'cell' }, badges(countByStatus(instances))),
    h('div', { class: 'c-addr', role: 'cell' },
      h('ul', { class: 'addrs' }, listed.map((i) =>
        h('li', { class: `addr s-${statusClass(i.status)}`, title: `${i.id} · ${statusLabel(i.status)}` },
          h('span', { class: 'mono' }, i.address),
          i.status === 'UP' ? null : h('span', { class: 'addr-status' }, statusLabel(i.status))))),
      more > 0 ? h('a', { class: 'more', href: serviceHref(service) }, `+${count(more)} more`) : null));
}

/**
 * One service: its instances in every stage, with their metadata, times and the steering
 * buttons. Rows are kept by stage, id and view index; their times are redrawn by {@link tick}.
 */
export class ServicePage {
  constructor(service) {
    this.service = service;
    this.rows = new Map();
    this.title = h('h1', { class: 'page-title', tabindex: '-1' }, h('span', { class: 'muted' }, 'service '), service);
    this.subtitle = h('p', { class: 'muted subtitle' });
    this.tbody = h('tbody');
    this.table = h('table', { class: 'grid instances' },
      h('caption', { class: 'sr-only' }, `Instances of ${service}`),
      h('thead', {}, h('tr', {},
        ['Status', 'Address', 'ID', 'Stage', 'Metadata', 'Config', 'Registered', 'Lease ends', 'Actions'].map((c) =>
          h('th', { scope: 'col' }, c)))),
      this.tbody);
    this.empty = h('p', { class: 'empty-line' });
    this.head = h('div', {}, this.title, this.subtitle);
    this.root = h('div', { class: 'service-page' }, this.table, this.empty);
  }

  /**
   * @param views [{stage, view}] of this service, by stage
   * @param prefs as for the overview
   * @param pending keys of instances with a write in flight
   * @param configIndex the service's configuration index, null while unknown
   * @return {shown, total}
   */
  render(views, prefs, pending, configIndex = null) {
    const live = new Set();
    const rows = [];
    let total = 0;
    for (const { stage, view } of views) {
      const instances = [...view.instances].sort((a, b) => compare(a.address, b.address));
      for (const instance of instances) {
        total++;
        const key = `${stage}\u0000${instance.id}`;
        live.add(key);
        let row = this.rows.get(key);
        if (!row || row.index !== view.index) {
          row = instanceRow(this.service, stage, instance, view.index);
          this.rows.set(key, row);
        }
        row.instance = instance;
        row.at = view.at;
        renderApplied(row.config, instance.config_index, configIndex);
        for (const button of row.buttons) {
          // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
          button.setAttribute('aria-disabled', String(pending.has(key)));
        }
        if ((!prefs.stage || prefs.stage === stage) && matchesInstance(row, prefs)) {
          rows.push(row.tr);
        }
      }
    }
    for (const key of this.rows.keys()) {
      if (!live.has(key)) this.rows.delete(key);
    }
    this.subtitle.textContent = views.length === 0 ? ''
      : `${plural(total, 'instance', 'instances')} in ${views.map((v) => `${v.stage} (${v.view.instances.length})`).join(', ')}`;
    setChildren(this.tbody, rows);
    this.table.hidden = rows.length === 0;
    this.empty.hidden = rows.length > 0;
    this.empty.textContent = total === 0
      ? `${this.service} has no live instance in any stage: it deregistered or its leases ended.`
      : 'No instance matches the filter.';
    this.tick(performance.now());
    return { shown: rows.length, total };
  }

  /** Redraws the time since registration and the time to the lease's end of every row. */
  tick(now) {
    for (const row of this.rows.values()) {
      const elapsed = (now - row.at) / 1000;
      row.since.textContent = `${duration(row.instance.uptime_seconds + elapsed)} ago`;
      if (row.instance.ttl_seconds === 0) {
        row.lease.textContent = 'held until removed';  // a MicroReg registration: no lease
        continue;
      }
      const left = (row.instance.lease_remaining_seconds ?? row.instance.ttl_seconds) - elapsed;
      row.lease.textContent = leaseLeft(left);
      row.lease.classList.toggle('late', left <= 0);
    }
  }
}

function instanceRow(service, stage, instance, index) {
  const key = `${stage}\u0000${instance.id}`;
  const data = { service, stage, id: instance.id };
  const out = instance.status === 'OUT_OF_SERVICE';
  const toggle = h('button', {
    type: 'button', class: 'btn btn-small',
    dataset: { ...data, action: out ? 'in-service' : 'out-of-service', focus: `status/${stage}/${instance.id}` },
  }, out ? 'Put in service' : 'Take out of service');
  toggle.setAttribute('aria-label', `${out ? 'Put in service' : 'Take out of service'}: ${instance.address} (${stage})`);
  const remove = h('button', {
    type: 'button', class: 'btn btn-small btn-danger',
    dataset: { ...data, action: 'deregister', focus: `deregister/${stage}/${instance.id}` },
    'aria-label': `Deregister ${instance.address} (${stage})`,
  }, 'Deregister');
  const metadata = Object.entries(instance.metadata ?? {}).sort(([a], [b]) => compare(a, b));
  const config = h('td', { class: 'c-config', 'data-label': 'Config' });
  const since = h('td', { class: 'c-time', 'data-label': 'Registered' });
  const lease = h('td', { class: 'c-time', 'data-label': 'Lease ends' });
  const tr = h('tr', { dataset: { stage, instance: instance.id, status: instance.status } },
    h('td', { class: 'c-status', 'data-label': 'Status' }, statusBadge(instance.status)),
    h('td', { class: 'c-addr', 'data-label': 'Address' }, h('span', { class: 'mono strong' }, instance.address)),
    h('td', { class: 'c-id', 'data-label': 'ID' }, h('span', { class: 'mono' }, instance.id)),
    h('td', { class: 'c-stage', 'data-label': 'Stage' }, stage),
    h('td', { class: 'c-meta', 'data-label': 'Metadata' },
      metadata.length === 0 ? h('span', { class: 'muted' }, '—')
        : h('ul', { class: 'chips' }, metadata.map(([k, v]) =>
          h('li', { class: 'chip', title: `${k}=${v}` }, h('span', { class: 'chip-key' }, k), '=', h('span', { class: 'chip-value' }, v))))),
    config,
    since,
    lease,
    h('td', { class: 'c-actions', 'data-label': 'Actions' }, h('div', {}, toggle, remove)));
  const haystack = [instance.address, instance.id, stage, instance.status, ...metadata.flat()].join('\u0000').toLowerCase();
  return { key, index, tr, config, since, lease, buttons: [toggle, remove], haystack, problem: instance.status !== 'UP', instance, at: 0 };
}

/** The configuration index an instance reports it has applied, marked when it is not the service's. */
function renderApplied(cell, applied, current) {
  const text = applied === null || applied === undefined ? '—'
    : current !== null && applied !== current ? `${count(applied)} (not ${count(current)})` : count(applied);
  if (cell.textContent !== text) cell.textContent = text;
  cell.classList.toggle('late', current !== null && applied !== current);
}

function matchesInstance(row, prefs) {
  return (!prefs.onlyProblems || row.problem) && (!prefs.filter || row.haystack.includes(prefs.filter));
}

/** The registry holds nothing: say so, and how instances get here. */
export function emptyRegistry() {
  return h('div', { class: 'empty' },
    h('h1', { class: 'page-title', tabindex: '-1' }, 'The registry is empty'),
    h('p', {}, 'No instance is registered in any stage. Instances show here as soon as they register; there is nothing to reload.'),
    h('pre', { class: 'mono' },
      `curl -X POST ${new URL('../register', document.baseURI)} \\\n  -H 'Content-Type: application/json' \\\n`
      + `  -d '{"service": "payment-service", "address": "http://127.0.0.1:8080"}'`));
}

/** Nothing known yet: the first answer has not come. */
export function connecting(text) {
  return h('div', { class: 'empty' }, h('p', { class: 'muted' }, text));
}

export function noMatch(filter, clear) {
  const button = h('button', { type: 'button', class: 'btn btn-small' }, 'Clear the filter');
  button.addEventListener('click', clear);
  return h('div', { class: 'empty' },
    h('p', {}, filter ? `No service matches “${filter}”. ` : 'No service matches the filters. '), button);
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
