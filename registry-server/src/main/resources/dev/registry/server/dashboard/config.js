// A service's configuration on its page: every entry at every scope, followed through one
// long-poll on /config/{service}/entries, edited with the same token as the other writes
// (docs/api.md, "Configuration"), and which index each instance has applied.

import { ApiError, getJson, postJson } from './api.js';
import { count, plural } from './format.js';
import { h, setChildren } from './render.js';

/** How long the server holds an entries poll when nothing changes. */
const WAIT_SECONDS = 25;
const RETRY_MS = 3000;
const SCOPE_FIELDS = ['stage', 'region', 'client'];

/** Follows one service's entries until stopped; tells {@code onChange} of each answer or failure. */
export class ConfigFollower {
  constructor(service, onChange) {
    this.service = service;
    this.onChange = onChange;
    this.state = { index: null, entries: [], error: null };
    this.abort = new AbortController();
    this.run();
  }

  async run() {
    const path = `config/${encodeURIComponent(this.service)}/entries`;
    while (!this.abort.signal.aborted) {
      try {
        const { index, epoch } = this.state;
        const poll = index === null ? path : `${path}?index=${index}&epoch=${encodeURIComponent(epoch)}&wait=${WAIT_SECONDS}s`;
        const answer = await getJson(poll, { timeoutMs: (WAIT_SECONDS + 15) * 1000, signal: this.abort.signal });
        this.state = { index: answer.index, epoch: answer.epoch, entries: answer.entries ?? [], error: null };
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.state = { ...this.state, index: null, error: e.message };
        this.onChange();
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      this.onChange();
    }
  }

  stop() {
    this.abort.abort();
  }
}

/** The scope of an entry as text: "service", or its fields ("stage production · client acme"). */
export function scopeText(scope) {
  const parts = SCOPE_FIELDS.filter((f) => scope?.[f]).map((f) => `${f} ${scope[f]}`);
  return parts.length === 0 ? 'service' : parts.join(' · ');
}

/**
 * The configuration section of a service's page: its entries with their scopes, a form to set
 * one, and the applied summary. Rows are rebuilt when the index changes.
 */
export class ConfigPanel {
  /**
   * @param service the service's name
   * @param notify (text, error) shows a message on the page
   * @param onTokenNeeded opens the token field after a 401
   */
  constructor(service, notify, onTokenNeeded) {
    this.service = service;
    this.notify = notify;
    this.onTokenNeeded = onTokenNeeded;
    this.index = undefined;
    this.summary = h('p', { class: 'muted subtitle', id: 'config-summary' });
    this.applied = h('p', { class: 'subtitle', id: 'config-applied' });
    this.tbody = h('tbody');
    this.table = h('table', { class: 'grid config-entries' },
      h('caption', { class: 'sr-only' }, `Configuration of ${service}`),
      h('thead', {}, h('tr', {},
        ['Key', 'Value', 'Scope', 'Description', 'Index', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      this.tbody);
    this.empty = h('p', { class: 'empty-line' }, `${service} has no configuration yet: set a key below.`);
    this.inputs = {};
    const field = (name, label, attrs = {}) => {
      const input = h(attrs.textarea ? 'textarea' : 'input', {
        id: `config-${name}`, name, autocomplete: 'off', spellcheck: 'false', rows: attrs.textarea ? 1 : null,
        placeholder: attrs.placeholder, required: attrs.required,
      });
      this.inputs[name] = input;
      return h('label', { class: `field${attrs.grow ? ' grow' : ''}` }, h('span', { class: 'field-label' }, label), input);
    };
    this.save = h('button', { type: 'submit', class: 'btn' }, 'Save');
    this.form = h('form', { class: 'config-form', id: 'config-form', 'aria-label': `Set a key of ${service}` },
      field('key', 'Key', { required: true, placeholder: 'payment.timeout' }),
      field('value', 'Value', { textarea: true, grow: true, placeholder: 'the value' }),
      field('stage', 'Stage', { placeholder: 'every stage' }),
      field('region', 'Region', { placeholder: 'every region' }),
      field('client', 'Client', { placeholder: 'every client' }),
      this.save);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();  // the values leave as JSON through fetch, never in a form submission
      this.submit();
    });
    this.tbody.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-config]');
      if (button) this.act(button);
    });
    this.root = h('section', { class: 'config', 'aria-labelledby': 'config-title' },
      h('h2', { class: 'section-title', id: 'config-title' }, 'Configuration'),
      this.summary, this.applied, this.table, this.empty, this.form);
  }

  /**
   * @param state the follower's {index, entries, error}
   * @param instances every instance of the service on the page, with its config_index
   */
  render(state, instances) {
    if (state.error) {
      this.summary.textContent = `Not read: ${state.error}. Retrying.`;
    } else if (state.index === null) {
      this.summary.textContent = 'Reading the configuration…';
    } else {
      this.summary.textContent = `index ${count(state.index)} · ${plural(state.entries.length, 'entry', 'entries')}`;
    }
    if (state.index !== null && this.index !== state.index) {
      this.index = state.index;
      setChildren(this.tbody, state.entries.map((e) => this.row(e)));
    }
    this.table.hidden = state.entries.length === 0;
    this.empty.hidden = state.entries.length > 0 || state.index === null;
    this.renderApplied(state.index, instances);
  }

  renderApplied(index, instances) {
    if (index === null || instances.length === 0) {
      this.applied.textContent = '';
      return;
    }
    const current = instances.filter((i) => i.config_index === index).length;
    const behind = instances.length - current;
    this.applied.textContent = behind === 0
      ? `Every instance (${count(current)}) runs index ${count(index)}.`
      : `${count(current)} of ${plural(instances.length, 'instance', 'instances')} run index ${count(index)}; `
        + `${count(behind)} ${behind === 1 ? 'has' : 'have'} not applied it (the Config column says which).`;
    this.applied.classList.toggle('late', behind > 0);
  }

  row(entry) {
    const data = { key: entry.key, scope: JSON.stringify(entry.scope ?? {}) };
    const edit = h('button', { type: 'button', class: 'btn btn-small', dataset: { ...data, config: 'edit' },
      'aria-label': `Edit ${entry.key} (${scopeText(entry.scope)})` }, 'Edit');
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { ...data, config: 'delete' },
      'aria-label': `Delete ${entry.key} (${scopeText(entry.scope)})` }, 'Delete');
    return h('tr', { dataset: { key: entry.key, scope: scopeText(entry.scope) } },
      h('td', { 'data-label': 'Key' }, h('span', { class: 'mono strong' }, entry.key)),
      h('td', { class: 'c-value', 'data-label': 'Value' }, h('span', { class: 'mono' }, entry.value)),
      h('td', { 'data-label': 'Scope' }, scopeText(entry.scope)),
      h('td', { 'data-label': 'Description' }, entry.description ?? h('span', { class: 'muted' }, '—')),
      h('td', { 'data-label': 'Index', title: entry.updated }, count(entry.index)),
      h('td', { class: 'c-actions', 'data-label': 'Actions' }, h('div', {}, edit, remove)));
  }

  act(button) {
    const scope = JSON.parse(button.dataset.scope);
    const key = button.dataset.key;
    if (button.dataset.config === 'edit') {
      const entry = [...this.tbody.rows].find((r) => r.dataset.key === key && r.dataset.scope === scopeText(scope));
      this.inputs.key.value = key;
      this.inputs.value.value = entry?.querySelector('.c-value').textContent ?? '';
      for (const f of SCOPE_FIELDS) this.inputs[f].value = scope[f] ?? '';
      this.inputs.value.focus();
      return;
    }
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = 'Confirm delete';
      setTimeout(() => {
        if (button.isConnected) {
          button.dataset.armed = 'false';
          button.textContent = 'Delete';
        }
      }, 5000);
      return;
    }
    this.send({ ...scope, delete: [key] }, `Deleted ${key} (${scopeText(scope)}).`);
  }

  submit() {
    const key = this.inputs.key.value.trim();
    const scope = {};
    for (const f of SCOPE_FIELDS) {
      const v = this.inputs[f].value.trim();
      if (v) scope[f] = v;
    }
    this.send({ ...scope, set: { [key]: this.inputs.value.value } }, `Saved ${key} (${scopeText(scope)}).`);
  }

  async send(body, done) {
    this.save.setAttribute('aria-disabled', 'true');
    try {
      const answer = await postJson(`config/${encodeURIComponent(this.service)}`, body);
      this.notify(answer.changed.length === 0 ? 'Nothing changed: the value was already there.'
        : `${done} Configuration index ${count(answer.index)}.`);
    } catch (e) {
      if (e instanceof ApiError) {
        this.notify(`Refused: ${e.status} ${e.code}: ${e.message}`, true);
        if (e.status === 401) this.onTokenNeeded();
      } else {
        this.notify(`Not sent: the registry did not answer (${e.message}).`, true);
      }
    } finally {
      this.save.setAttribute('aria-disabled', 'false');
    }
  }
}
