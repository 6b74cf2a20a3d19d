// The official document an instance moves (Văn bản), the campaign it
// started (Tiến độ thực hiện) and a unit's incoming documents (Văn bản đến),
// as page parts. Builders only: the calls are app.js's. Every text from the
// server goes in as text (dom.js).

import { documentPageUrl } from './api.js';
import { h, section, table } from './dom.js';
import {
  documentTypeText, formatCivilDate, formatCount, formatDate, formatDateTime, isoTime, parseTime,
} from './format.js';

// A list longer than this starts folded (details/summary): a plan sent to
// 3,321 units stays one screen until someone opens a list.
const LONG_LIST = 20;

const timeText = (value) => h('time', { datetime: isoTime(value) }, formatDateTime(value));
const scroller = (content) => h('div', { class: 'cuon-ngang' }, content);

function folded(summary, content, attrs = {}) {
  return h('details', { class: 'gon', ...attrs }, h('summary', null, summary), content);
}

function fact(name, value) {
  return h('div', null, h('dt', null, name), h('dd', null, value));
}

function percent(part, total) {
  const n = total > 0 ? (100 * Number(part)) / total : 0;
  return `${n.toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
}

// --- Văn bản ----------------------------------------------------------------

// GetDocument answers for every instance it lets the caller read: one that
// moves no document comes back with every field empty.
export function hasDocument(doc) {
  return Boolean(doc && (doc.type || doc.trich_yeu || doc.issuer || doc.issuer_name ||
    doc.issuance || doc.recall || (doc.recipients ?? []).length));
}

// "Xem văn bản": the NĐ 30 page, in a new tab.
export function documentLink(instanceId, text = 'Xem văn bản') {
  return h('a', {
    href: documentPageUrl(instanceId), target: '_blank', rel: 'noopener',
    title: 'Mở văn bản theo thể thức Nghị định 30/2020/NĐ-CP trong thẻ mới',
  }, text);
}

export function documentSection(doc) {
  return section('Văn bản',
    recallNotice(doc.recall),
    h('dl', { class: 'thong-tin', id: 'thong-tin-van-ban' },
      documentFacts(doc).map(([name, value]) => fact(name, value))),
    h('p', { class: 'lien-ket-van-ban' }, documentLink(doc.instance_id),
      h('span', { class: 'goi-y' }, ' (mở trong thẻ mới)')),
    recipientsPart(doc));
}

function documentFacts(doc) {
  const issued = doc.issuance;
  const facts = [
    ['Loại văn bản', documentTypeText(doc.type) || '—'],
    ['Trích yếu', doc.trich_yeu || h('span', { class: 'trong' }, 'Chưa có trích yếu')],
    ['Cơ quan ban hành', issuerText(doc)],
    ['Số, ký hiệu', issued?.reference || h('span', { class: 'nhan' }, 'Chưa ban hành (dự thảo)')],
  ];
  if (issued) facts.push(['Ngày ban hành', formatCivilDate(issued.date) || formatDate(issued.issued_at) || '—']);
  facts.push(['Người ký', signerText(doc.signer)]);
  if (doc.urgency) facts.push(['Độ khẩn', doc.urgency]);
  if (doc.secrecy) facts.push(['Độ mật', doc.secrecy]);
  return facts;
}

function issuerText(doc) {
  const name = doc.issuer_name || doc.issuer || '—';
  return doc.parent_body ? [name, h('span', { class: 'phu' }, doc.parent_body)] : name;
}

// "Nguyễn Văn Khải", and beneath "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN".
function signerText(signer) {
  if (!signer?.name) return h('span', { class: 'trong' }, 'Chưa có');
  const lines = [...(signer.title_lines ?? [])];
  if (signer.form && lines.length > 0 && !lines[0].startsWith(signer.form)) {
    lines[0] = `${signer.form} ${lines[0]}`;
  }
  return lines.length ? [signer.name, h('span', { class: 'phu' }, lines.join(' / '))] : signer.name;
}

function recallNotice(recall) {
  if (!recall) return null;
  const who = recall.recalled_by_name || recall.recalled_by;
  return h('div', { class: 'thong-bao thong-bao--canh-bao', id: 'thu-hoi-van-ban' },
    h('p', null, h('strong', null, 'Văn bản đã bị thu hồi'),
      parseTime(recall.recalled_at) ? [' lúc ', timeText(recall.recalled_at)] : '',
      who ? ` (${who})` : '', '.'),
    recall.reason ? h('p', null, `Lý do: ${recall.reason}`) : null);
}

// Nơi nhận: each line, and for a unit whether (and when) it acknowledged.
function recipientsPart(doc) {
  const lines = doc.recipients ?? [];
  const heading = h('h3', null, 'Nơi nhận');
  if (lines.length === 0) return [heading, h('p', { class: 'trong' }, 'Chưa có nơi nhận.')];
  const headers = doc.recall ? ['Nơi nhận', 'Đã nhận', 'Xác nhận thu hồi'] : ['Nơi nhận', 'Đã nhận'];
  const units = lines.filter((r) => r.unit);
  const list = scroller(table('Nơi nhận', headers, lines.map((r) => recipientCells(r, doc)),
    { class: 'bang', id: 'bang-noi-nhan' }));
  return [heading, h('p', { id: 'tom-tat-noi-nhan' }, receiptSummary(units, doc)),
    units.length > LONG_LIST ? folded(`Danh sách nơi nhận (${formatCount(lines.length)})`, list) : list];
}

function receiptSummary(units, doc) {
  if (units.length === 0) return 'Văn bản không gửi tới đơn vị nào qua hệ thống.';
  if (!doc.issuance) return 'Văn bản chưa ban hành: các đơn vị chưa nhận được.';
  const acked = units.filter((r) => parseTime(r.acknowledged_at)).length;
  let text = `Đã xác nhận đã nhận: ${formatCount(acked)}/${formatCount(units.length)} đơn vị.`;
  if (doc.recall) {
    const confirmed = units.filter((r) => parseTime(r.recall_confirmed_at)).length;
    text += ` Đã xác nhận thu hồi: ${formatCount(confirmed)}/${formatCount(units.length)} đơn vị.`;
  }
  return text;
}

function recipientCells(r, doc) {
  const label = r.purpose ? [r.label, h('span', { class: 'phu' }, r.purpose)] : r.label;
  const sent = Boolean(doc.issuance);
  const cells = [label, r.unit
    ? receiptText(r.acknowledged_at, r.acknowledged_by_name || r.acknowledged_by, sent) : '—'];
  if (doc.recall) cells.push(r.unit ? receiptText(r.recall_confirmed_at, r.recall_confirmed_by, true) : '—');
  return cells;
}

function receiptText(at, who, sent) {
  if (parseTime(at)) return [timeText(at), who ? h('span', { class: 'phu' }, who) : null];
  return sent ? h('span', { class: 'nhan nhan--cho' }, 'Chưa xác nhận') : '—';
}

// --- Tiến độ thực hiện ------------------------------------------------------

// GetProgress answers every instance: one that started no children counts 0.
export const hasProgress = (progress) => Number(progress?.total) > 0;

export function progressSection(p) {
  return section('Tiến độ thực hiện',
    h('p', { id: 'tong-tien-do' }, progressSummary(p)),
    scroller(stateTable(p)),
    lateUnits(p),
    unitsByState(p));
}

function progressSummary(p) {
  const total = Number(p.total);
  const done = (p.states ?? []).filter((s) => s.final).reduce((n, s) => n + Number(s.count), 0);
  return `Tổng số: ${formatCount(total)} hồ sơ của các đơn vị. ` +
    `Đã kết thúc: ${formatCount(done)} (${percent(done, total)}). ` +
    `Trễ hạn: ${formatCount(p.late_count)}.`;
}

function stateTable(p) {
  const total = Number(p.total);
  const rows = (p.states ?? []).map((s) => [
    s.final ? [s.title || s.state, ' ', h('span', { class: 'nhan nhan--xong' }, 'Kết thúc')] : s.title || s.state,
    formatCount(s.count),
    percent(s.count, total),
  ]);
  return table('Số hồ sơ theo trạng thái', ['Trạng thái', 'Số hồ sơ', 'Tỉ lệ'], rows,
    { class: 'bang bang--so', id: 'bang-tien-do' });
}

function lateUnits(p) {
  const late = p.late ?? [];
  const heading = h('h3', null, `Đơn vị trễ hạn (${formatCount(p.late_count)})`);
  if (late.length === 0) {
    return [heading, h('p', { class: 'trong' }, Number(p.late_count) > 0
      ? 'Không có danh sách đơn vị trễ hạn.' : 'Không có đơn vị nào trễ hạn.')];
  }
  const list = unitList(late, { id: 'ds-tre-han' }, false);
  return [heading, late.length > LONG_LIST
    ? folded(`Danh sách ${formatCount(late.length)} đơn vị trễ hạn`, list) : list];
}

// Per state, its units, folded.
function unitsByState(p) {
  const states = (p.states ?? []).filter((s) => (s.units ?? []).length > 0);
  if (states.length === 0) return null;
  return [h('h3', null, 'Đơn vị theo trạng thái'),
    states.map((s) => folded(`${s.title || s.state} (${formatCount(s.count)})`,
      unitList(s.units, {}, true), { dataset: { state: s.state } }))];
}

function unitList(units, attrs, markLate) {
  return h('ul', { class: 'ds-don-vi', ...attrs }, units.map((u) => h('li', null,
    h('a', { href: `#/ho-so/${encodeURIComponent(u.instance_id)}` }, u.unit_name || u.unit || u.instance_id),
    markLate && u.late ? [' ', h('span', { class: 'nhan nhan--qua-han' }, 'Trễ hạn')] : null)));
}

// --- Văn bản đến ------------------------------------------------------------

// Waiting for the unit: not acknowledged, or recalled and not confirmed.
export const isWaiting = (d) => !d.acknowledged || (d.recalled && !d.recall_confirmed);

// The cells of an incoming document but its status and actions.
export function incomingCells(d, unitName) {
  return [
    [d.reference || '—', d.type ? h('span', { class: 'phu' }, documentTypeText(d.type)) : null],
    [d.trich_yeu || '—', d.purpose ? h('span', { class: 'phu' }, d.purpose) : null],
    d.issuer_name || d.issuer || '—',
    formatCivilDate(d.date) || formatDate(d.issued_at) || '—',
    unitName,
  ];
}

export function incomingStatus(d) {
  const parts = [d.acknowledged
    ? h('div', null, h('span', { class: 'nhan nhan--xong' }, 'Đã nhận'),
      h('span', { class: 'phu' }, receiptLine(d)))
    : h('div', null, h('span', { class: 'nhan nhan--cho' }, 'Chưa xác nhận đã nhận'))];
  if (d.recalled) {
    parts.push(h('div', null, d.recall_confirmed
      ? h('span', { class: 'nhan' }, 'Đã xác nhận thu hồi')
      : h('span', { class: 'nhan nhan--qua-han' }, 'Đã bị thu hồi: cần xác nhận')));
    if (d.recall_reason) parts.push(h('span', { class: 'phu' }, `Lý do thu hồi: ${d.recall_reason}`));
  }
  return h('div', { class: 'tinh-trang', tabindex: '-1' }, parts);
}

function receiptLine(d) {
  const who = d.acknowledged_by_name || d.acknowledged_by;
  const at = formatDateTime(d.acknowledged_at);
  return [at && `lúc ${at}`, who && `bởi ${who}`].filter(Boolean).join(' ');
}

// What AcknowledgeDocument's answer says of `unit`'s line, as the fields of
// an incoming document.
export function receiptOf(doc, unit) {
  const line = (doc?.recipients ?? []).find((r) => r.unit === unit);
  if (!line) return { acknowledged: true };
  return {
    acknowledged: Boolean(parseTime(line.acknowledged_at)),
    acknowledged_at: line.acknowledged_at,
    acknowledged_by: line.acknowledged_by,
    acknowledged_by_name: line.acknowledged_by_name,
    recalled: Boolean(doc.recall),
    recall_reason: doc.recall?.reason ?? '',
    recall_confirmed: Boolean(parseTime(line.recall_confirmed_at)),
  };
}
