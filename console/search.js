// "Tra cứu hồ sơ": what the search page reads from and writes to its
// address (#/tra-cuu?quy_trinh=…&trang_thai=…&don_vi=…&so_hieu=…, so that
// the browser's Back returns to a search), and how a found document reads.
// The page itself is in app.js; every filter is ListInstances's own.

import { h, row } from './dom.js';
import {
  formatDateTime, formatDeadline, instanceTitle, isPast, isoTime, parseTime,
} from './format.js';

const PARAMS = { workflow: 'quy_trinh', state: 'trang_thai', unit: 'don_vi', key: 'so_hieu' };

// A document's id as the engine writes it: opened at once, not searched.
export const INSTANCE_ID = /^wi-\d{12}$/;

// The filters the address holds. `unit` is undefined when the address does
// not name one (the page then picks the official's own unit), '' for "every
// unit I may read".
export function filtersOf(query) {
  const get = (name) => (query.has(name) ? query.get(name).trim() : undefined);
  return {
    workflow: get(PARAMS.workflow) ?? '',
    state: get(PARAMS.state) ?? '',
    unit: get(PARAMS.unit),
    key: get(PARAMS.key) ?? '',
  };
}

// The address of a search for `filters`.
export function searchHash(filters) {
  const query = new URLSearchParams();
  for (const [field, name] of Object.entries(PARAMS)) {
    const value = filters[field];
    // An empty unit is said ("every unit"); other empty filters are left out.
    if (value || (field === 'unit' && value === '')) query.set(name, value);
  }
  return `#/tra-cuu?${query}`;
}

// The units an official holds a role in, once each: [{ unit, name }].
export function heldUnits(me) {
  const seen = new Map();
  for (const r of me?.roles ?? []) {
    if (r.unit && !seen.has(r.unit)) seen.set(r.unit, r.unit_name || r.unit);
  }
  return [...seen].map(([unit, name]) => ({ unit, name }));
}

// The nearest deadline still running of a document (BASIC view's clocks).
function nextDue(instance) {
  const running = (instance.clocks ?? []).filter((c) => !c.paused && parseTime(c.due));
  running.sort((a, b) => parseTime(a.due) - parseTime(b.due));
  return running[0]?.due;
}

function stateCell(instance) {
  const title = instance.state_title || instance.state || '';
  if (instance.cancelled) return [title, ' ', h('span', { class: 'nhan' }, 'Đã hủy')];
  if (instance.finished) return [title, ' ', h('span', { class: 'nhan' }, 'Đã kết thúc')];
  return title;
}

// A deadline's cell, marked when it has passed (the inbox's too).
export function dueCell(due) {
  if (!parseTime(due)) return '—';
  const cell = [h('time', { datetime: isoTime(due) }, formatDeadline(due))];
  if (isPast(due)) cell.push(' ', h('span', { class: 'nhan nhan--qua-han' }, 'Quá hạn'));
  return cell;
}

// One found document: `workflowCell(name)` gives the workflow's cell.
export function foundRow(instance, workflowCell) {
  const title = instanceTitle(instance);
  const key = instance.business_key && instance.business_key !== title
    ? h('span', { class: 'phu' }, instance.business_key) : null;
  const updated = parseTime(instance.updated_at)
    ? h('time', { datetime: isoTime(instance.updated_at) }, formatDateTime(instance.updated_at))
    : '—';
  return row([
    [h('a', { href: `#/ho-so/${encodeURIComponent(instance.id)}` }, title), key],
    workflowCell(instance.workflow),
    stateCell(instance),
    instance.unit_name || instance.unit || '',
    dueCell(instance.finished || instance.cancelled ? undefined : nextDue(instance)),
    updated,
  ]);
}
