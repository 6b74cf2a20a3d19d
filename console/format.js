// Turning the engine's values into what an official reads: dates and times
// on Vietnam's clock, field names as words, variables as text.

export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: VN_TIME_ZONE,
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// A timestamp as the gateway sends it (RFC 3339, UTC) to a Date; null when
// unset (missing, empty, or the epoch a zero Timestamp prints as).
export function parseTime(value) {
  if (value === undefined || value === null || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  const ms = date.getTime();
  if (Number.isNaN(ms) || ms === 0) return null;
  return date;
}

function vnParts(value) {
  const date = parseTime(value);
  if (!date) return null;
  const parts = {};
  for (const p of partsFormat.formatToParts(date)) parts[p.type] = p.value;
  return parts;
}

// "16/01/2026"; '' when unset.
export function formatDate(value) {
  const p = vnParts(value);
  return p ? `${p.day}/${p.month}/${p.year}` : '';
}

// "16/01/2026 09:00"; '' when unset.
export function formatDateTime(value) {
  const p = vnParts(value);
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : '';
}

// "ngày 16 tháng 01 năm 2026"; '' when unset.
export function formatLongDate(value) {
  const p = vnParts(value);
  return p ? `ngày ${p.day} tháng ${p.month} năm ${p.year}` : '';
}

// A deadline. A period ends at 24:00 of its last day, which the engine
// sends as 00:00 (Vietnam time) of the day after (docs/calendar.md): such a
// deadline is shown as its last day, the day the workflow wrote
// (han_nop "2026-02-10" is due 2026-02-10T17:00:00Z and shown 10/02/2026).
function endOfDay(value) {
  const date = parseTime(value);
  if (!date) return null;
  const p = vnParts(date);
  const midnight = p.hour === '00' && p.minute === '00' && p.second === '00' &&
    date.getTime() % 1000 === 0;
  return midnight ? new Date(date.getTime() - 1) : null;
}

// "10/02/2026" for a deadline at the end of that day.
export function formatDeadline(value) {
  return formatDate(endOfDay(value) ?? value);
}

// "hết ngày 10/02/2026", or "10/02/2026 14:30" for one within a day.
export function formatDeadlineTime(value) {
  const last = endOfDay(value);
  return last ? `hết ngày ${formatDate(last)}` : formatDateTime(value);
}

// The machine-readable form for a <time datetime="...">.
export function isoTime(value) {
  const date = parseTime(value);
  return date ? date.toISOString() : '';
}

export function isPast(value, now = Date.now()) {
  const date = parseTime(value);
  return date !== null && date.getTime() < now;
}

// Names the engine uses, as words. Anything else: underscores as spaces.
const FIELD_LABELS = {
  ly_do: 'Lý do',
  y_kien: 'Ý kiến',
  noi_dung: 'Nội dung',
  trich_yeu: 'Trích yếu',
  ghi_chu: 'Ghi chú',
  don_vi: 'Đơn vị',
  nam: 'Năm',
  han_nop: 'Hạn nộp',
};

// The label of a name the console knows, else null.
export function knownLabel(name) {
  return Object.hasOwn(FIELD_LABELS, name) ? FIELD_LABELS[name] : null;
}

export function fieldLabel(name) {
  if (Object.hasOwn(FIELD_LABELS, name)) return FIELD_LABELS[name];
  const words = String(name).replace(/_+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : String(name);
}

// A document's file slots (docs/documents.md, "Files"), as words: the ones
// the upload form offers, in this order.
const SLOT_LABELS = {
  to_trinh: 'Tờ trình',
  bao_cao_thanh_tich: 'Báo cáo thành tích',
  bien_ban: 'Biên bản xét khen thưởng',
  du_thao: 'Dự thảo',
  ban_ky: 'Bản đã ký',
  ke_hoach: 'Kế hoạch',
  bao_cao: 'Báo cáo',
};

export const KNOWN_SLOTS = Object.keys(SLOT_LABELS);

// "Tờ trình" for to_trinh; any other slot as its name.
export function slotLabel(slot) {
  return Object.hasOwn(SLOT_LABELS, slot) ? SLOT_LABELS[slot] : String(slot ?? '');
}

// A slot name the engine takes: [a-z][a-z0-9_]*, at most 64 bytes.
export function isSlotName(text) {
  return /^[a-z][a-z0-9_]{0,63}$/.test(text);
}

// Payload fields a person writes prose into: a textarea, not a line.
const LONG_TEXT_FIELDS = new Set(['ly_do', 'noi_dung', 'y_kien', 'ghi_chu', 'trich_yeu']);
export function isLongText(name) {
  return LONG_TEXT_FIELDS.has(name);
}

const ROLE_LABELS = {
  chu_tich: 'Chủ tịch',
  pho_chu_tich: 'Phó Chủ tịch',
  can_bo: 'Cán bộ',
  chuyen_vien: 'Chuyên viên',
  truong_phong: 'Trưởng phòng',
  pho_truong_phong: 'Phó Trưởng phòng',
  giam_doc: 'Giám đốc',
  pho_giam_doc: 'Phó Giám đốc',
  chanh_van_phong: 'Chánh Văn phòng',
  pho_chanh_van_phong: 'Phó Chánh Văn phòng',
  van_thu: 'Văn thư',
};

export function roleLabel(role) {
  return Object.hasOwn(ROLE_LABELS, role) ? ROLE_LABELS[role] : String(role ?? '');
}

// "Chủ tịch — Xã Đại Sơn", "(theo ủy quyền của …)" for a delegation.
export function heldRoleText(held) {
  const unit = held.unit_name || held.unit || '';
  let text = unit ? `${roleLabel(held.role)} — ${unit}` : roleLabel(held.role);
  if (held.acting_for) text += ` (theo ủy quyền của ${held.acting_for})`;
  return text;
}

// A variable's value as text: strings as they are, objects and arrays as
// compact JSON.
export function displayValue(value) {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

// What a history event's payload says for the record.
const NOTE_FIELDS = ['ly_do', 'y_kien', 'noi_dung'];
export function historyNote(event) {
  const notes = [];
  const payload = event.payload && typeof event.payload === 'object' ? event.payload : {};
  for (const name of NOTE_FIELDS) {
    const v = payload[name];
    if (v !== undefined && v !== null && v !== '') notes.push(`${fieldLabel(name)}: ${displayValue(v)}`);
  }
  // An attached file (wf.attach): its slot and name.
  if (event.event === 'wf.attach' && payload.slot) {
    notes.push(`${slotLabel(payload.slot)}: ${displayValue(payload.name)}`);
  }
  if (event.fired_by) notes.push(`theo hồ sơ ${event.fired_by}`);
  return notes;
}

// The title a list shows for a document.
export function instanceTitle(instance) {
  return instance?.title || instance?.business_key || instance?.id || '';
}

export function formatBytes(size) {
  const n = Number(size);
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}

// A calendar day as the API sends it (google.type.Date, already Vietnam's
// day: {year: 2026, month: 12, day: 1}): "01/12/2026"; '' when unset.
export function formatCivilDate(date) {
  if (!date || !date.year || !date.month || !date.day) return '';
  const two = (n) => String(n).padStart(2, '0');
  return `${two(date.day)}/${two(date.month)}/${date.year}`;
}

// A count as Vietnamese write it: "3.321".
export function formatCount(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString('vi-VN') : String(value ?? '');
}

// Types of administrative documents (NĐ 30/2020, Phụ lục III) by the
// abbreviation of their ký hiệu. The engine sends only the abbreviation: one
// it does not know here is shown as it is.
const DOCUMENT_TYPES = {
  NQ: 'Nghị quyết', QĐ: 'Quyết định', CT: 'Chỉ thị', QC: 'Quy chế', QyĐ: 'Quy định',
  TC: 'Thông cáo', TB: 'Thông báo', HD: 'Hướng dẫn', CTr: 'Chương trình', KH: 'Kế hoạch',
  PA: 'Phương án', ĐA: 'Đề án', DA: 'Dự án', BC: 'Báo cáo', BB: 'Biên bản', TTr: 'Tờ trình',
  HĐ: 'Hợp đồng', CĐ: 'Công điện', GN: 'Bản ghi nhớ', TTh: 'Bản thỏa thuận',
  GUQ: 'Giấy ủy quyền', GM: 'Giấy mời', GGT: 'Giấy giới thiệu', GNP: 'Giấy nghỉ phép',
  PG: 'Phiếu gửi', PC: 'Phiếu chuyển', PB: 'Phiếu báo', CV: 'Công văn',
};

// "Kế hoạch (KH)"; an unknown type as its abbreviation.
export function documentTypeText(type) {
  if (!type) return '';
  return Object.hasOwn(DOCUMENT_TYPES, type) ? `${DOCUMENT_TYPES[type]} (${type})` : type;
}
