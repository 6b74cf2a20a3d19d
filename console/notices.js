// "Thông báo": what steps told the official's units and the official
// (WorkflowService.ListNotices), newest first — a unit told why its
// dossier was not recommended, a late unit chased (đôn đốc). The page is
// in app.js; this is how one notice reads.

import { h } from './dom.js';
import { formatDateTime } from './format.js';

const KINDS = { thong_bao: 'Thông báo', don_doc: 'Đôn đốc' };

export const noticeKind = (kind) => KINDS[kind] ?? kind;

// Who took the step that sent it: a deadline's is the engine's own.
function sender(n) {
  if (n.actor_name) return n.actor_name;
  return (n.actor ?? '').startsWith('system:') ? 'Hệ thống (hết hạn)' : n.actor;
}

// The cells of one notice: when, kind, what it says, about which document
// (a link when the official may open it), from whom, to whom.
export function noticeCells(n, openLink) {
  const about = [n.trich_yeu || n.workflow_title || n.workflow,
    h('span', { class: 'phu' }, n.event_title || n.event)];
  // New since the official last opened the list (ListNotices' unread).
  const when = n.unread
    ? [formatDateTime(n.at), ' ', h('span', { class: 'nhan nhan--moi' }, 'Mới')]
    : formatDateTime(n.at);
  return [
    when,
    h('span', { class: n.kind === 'don_doc' ? 'nhan nhan--qua-han' : 'nhan' }, noticeKind(n.kind)),
    n.text || '—',
    [...about, n.readable ? openLink(n.instance_id) : h('code', { class: 'phu' }, n.instance_id)],
    sender(n),
    n.recipient_name || n.recipient,
  ];
}
