// The web console: officials sign in with their password (or an access code
// an administrator issued them), work their inbox, find and open a
// document, take the steps the workflow allows them, read what was sent to
// their units, and start new documents. Every call goes through wf_console
// (api.js); every text from the server is put in as text.

import {
  ApiError, DOCUMENTS, FILES, SESSIONS, WORKFLOW, WriteKeys, fetchFile, fileUrl, rpc, signIn, signOut,
  uploadFile, whoAmI,
} from './api.js';
import {
  documentLink, documentSection, hasDocument, hasProgress, incomingCells, incomingStatus,
  isWaiting, progressSection, receiptOf,
} from './documents.js';
import { append, h, section, table, row, uniqueId } from './dom.js';
import { collectValues, fieldInput, fieldSpecs, fieldTitle } from './fields.js';
import { noticeCells } from './notices.js';
import { INSTANCE_ID, dueCell, filtersOf, foundRow, heldUnits, searchHash } from './search.js';
import {
  displayValue, formatBytes, formatDateTime, formatDeadlineTime,
  formatLongDate,
  heldRoleText, historyNote, instanceTitle, isPast, isSlotName, isoTime, KNOWN_SLOTS,
  knownLabel, parseTime, roleLabel, slotLabel,
} from './format.js';

const APP_NAME = 'Hệ thống xử lý hồ sơ';
const INBOX_PAGE_SIZE = 50;
const INCOMING_PAGE_SIZE = 50;
const NOTICES_PAGE_SIZE = 50;
const SEARCH_PAGE_SIZE = 50;

const state = {
  me: null,              // the WhoAmI answer while signed in
  inbox: null,           // the last inbox answer: { items, next_page_token }
  workflowTitles: null,  // Map name -> title, once read
  renderSeq: 0,          // which rendering is current (older ones stop)
  wantedHash: '',        // where to go once signed in
  unreadSeq: 0,          // which count of new notices is current
};

const el = {
  page: document.getElementById('trang'),
  main: document.getElementById('noi-dung'),
  alert: document.getElementById('loi'),
  notice: document.getElementById('thong-bao'),
  userBox: document.getElementById('nguoi-dung'),
  userName: document.getElementById('ten-nguoi-dung'),
  roles: document.getElementById('vai-tro'),
  signOut: document.getElementById('nut-dang-xuat'),
  skip: document.getElementById('bo-qua'),
  navInbox: document.getElementById('lien-ket-hop-thu'),
  navStart: document.getElementById('lien-ket-khoi-tao'),
  navIncoming: document.getElementById('lien-ket-van-ban-den'),
  navNotices: document.getElementById('lien-ket-thong-bao'),
  navPassword: document.getElementById('lien-ket-doi-mat-khau'),
  navSearch: document.getElementById('lien-ket-tra-cuu'),
};

// --- Messages -------------------------------------------------------------

// `hint`: a sentence of the console's own under the message (which field).
function showAlert(box, err, hint) {
  const text = err instanceof Error ? err.message : String(err);
  box.replaceChildren(h('p', null, text));
  if (hint) box.append(h('p', null, hint));
  if (err instanceof ApiError && err.thong_bao && err.chi_tiet && err.chi_tiet !== err.thong_bao) {
    box.append(h('details', { class: 'chi-tiet' },
      h('summary', null, 'Chi tiết kỹ thuật'),
      h('p', null, [err.ma, err.ly_do].filter(Boolean).join(' · ')),
      h('p', null, err.chi_tiet)));
  }
  box.hidden = false;
}

function hideAlert(box) {
  box.hidden = true;
  box.replaceChildren();
}

function showNotice(text) {
  el.notice.textContent = text;
  el.notice.hidden = false;
}

function clearMessages() {
  hideAlert(el.alert);
  el.notice.hidden = true;
  el.notice.textContent = '';
}

// An alert box of a form's own, next to what the person was doing.
function formAlert() {
  return h('div', { class: 'thong-bao thong-bao--loi', role: 'alert', hidden: true });
}

// --- Session --------------------------------------------------------------

// A 401 from any call: the session is over. Back to the sign-in page.
function sessionEnded() {
  // Several calls of one page may learn it at once: say it once.
  if (!state.me) return;
  state.renderSeq += 1;
  state.me = null;
  state.inbox = null;
  renderHeader();
  state.wantedHash = location.hash.startsWith('#/') && location.hash !== '#/dang-nhap'
    ? location.hash : '';
  history.replaceState(null, '', '#/dang-nhap');
  renderSignIn('Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.');
}

// Calls that end the session on a 401 and otherwise pass errors on.
function call(service, method, message) {
  return guarded(() => rpc(service, method, message));
}

async function guarded(send) {
  try {
    return await send();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      sessionEnded();
      throw new SessionEnded();
    }
    if (err instanceof ApiError && err.ly_do === 'PASSWORD_CHANGE_REQUIRED') {
      // The engine refuses anything else until the password is changed.
      if (state.me) state.me.must_change_password = true;
      askForNewPassword();
      throw new SessionEnded();
    }
    throw err;
  }
}

// A page left without a message of its own: the session ended, or the
// official was sent to another page.
class SessionEnded extends Error {}

// True while the official's password is one an administrator set: the
// engine refuses everything but changing it (PASSWORD_CHANGE_REQUIRED).
function mustChangePassword() {
  return Boolean(state.me?.doi_mat_khau || state.me?.must_change_password);
}

function askForNewPassword() {
  showNotice('Mật khẩu của bạn do quản trị viên đặt: hãy chọn mật khẩu của riêng bạn.');
  keepNoticeOnce = true;
  go('#/doi-mat-khau');
}

function renderHeader() {
  const me = state.me;
  el.userBox.hidden = !me;
  if (!me) {
    el.userName.textContent = '';
    el.roles.replaceChildren();
    ++state.unreadSeq;
    showUnreadNotices(0);
    return;
  }
  el.userName.textContent = me.name || me.person || '';
  // Administrators set passwords; a person changes their own.
  el.navPassword.parentElement.hidden = Boolean(me.admin);
  const roles = (me.roles ?? []).map((r) => h('li', null, heldRoleText(r)));
  if (me.admin) roles.unshift(h('li', null, 'Quản trị hệ thống'));
  el.roles.replaceChildren(...roles);
}

// The count of new notices beside "Thông báo" (ListNotices' unread, up to
// 100), or nothing. Administrators have no notices of their own.
function showUnreadNotices(count) {
  el.navNotices.querySelector('.so-moi')?.remove();
  if (!count) return;
  const text = count >= 100 ? '100+' : String(count);
  el.navNotices.append(' ', h('span', { class: 'so-moi', id: 'so-thong-bao-moi' }, text,
    h('span', { class: 'an' }, ' thông báo mới')));
}

async function refreshUnreadNotices() {
  const seq = ++state.unreadSeq;
  if (!state.me || state.me.admin) {
    showUnreadNotices(0);
    return;
  }
  try {
    const page = await call(WORKFLOW, 'ListNotices', { page_size: 1 });
    // A later count, or the notices page marking them seen, wins.
    if (seq === state.unreadSeq) showUnreadNotices(page.unread ?? 0);
  } catch (err) {
    // The page's own calls say what is wrong; the count simply stays.
    if (err instanceof SessionEnded) return;
  }
}

function markNav(name) {
  const links = [[el.navInbox, 'hop-thu'], [el.navIncoming, 'van-ban-den'],
    [el.navNotices, 'thong-bao'], [el.navSearch, 'tra-cuu'],
    [el.navStart, 'khoi-tao'], [el.navPassword, 'doi-mat-khau']];
  for (const [link, route] of links) {
    if (route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// --- Routing ----------------------------------------------------------------

function parseRoute(hash) {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/' || path === '/hop-thu') return { name: 'hop-thu' };
  if (path === '/dang-nhap') return { name: 'dang-nhap' };
  if (path === '/khoi-tao') return { name: 'khoi-tao' };
  if (path === '/van-ban-den') return { name: 'van-ban-den' };
  if (path === '/thong-bao') return { name: 'thong-bao' };
  if (path === '/doi-mat-khau') return { name: 'doi-mat-khau' };
  const search = /^\/tra-cuu(?:\?(.*))?$/.exec(path);
  if (search) return { name: 'tra-cuu', query: new URLSearchParams(search[1] ?? '') };
  const m = /^\/ho-so\/([^/]+)$/.exec(path);
  if (m) {
    try {
      return { name: 'ho-so', id: decodeURIComponent(m[1]) };
    } catch {
      return { name: 'khong-thay' };
    }
  }
  return { name: 'khong-thay' };
}

// Set just before a page change that must keep the success notice.
let keepNoticeOnce = false;

function go(hash) {
  if (location.hash === hash) {
    const keepNotice = keepNoticeOnce;
    keepNoticeOnce = false;
    route({ keepNotice });
  } else {
    location.hash = hash;
  }
}

// Renders the page the address names. `keepNotice`: a success notice set
// just before stays up (the reload after a step).
async function route({ keepNotice = false } = {}) {
  const hash = location.hash;
  // In-page anchors (the skip link) are not pages.
  if (hash && !hash.startsWith('#/')) return;
  const r = parseRoute(hash);
  const seq = ++state.renderSeq;
  if (keepNotice) hideAlert(el.alert);
  else clearMessages();

  if (!state.me) {
    if (r.name !== 'dang-nhap') {
      state.wantedHash = hash && hash !== '#/' ? hash : '';
      history.replaceState(null, '', '#/dang-nhap');
    }
    renderSignIn();
    return;
  }
  if (r.name === 'dang-nhap') {
    history.replaceState(null, '', '#/hop-thu');
    route();
    return;
  }
  if (mustChangePassword() && r.name !== 'doi-mat-khau') {
    // The engine would refuse the page's calls: the password first, then
    // the page asked for.
    state.wantedHash = hash;
    history.replaceState(null, '', '#/doi-mat-khau');
    showNotice('Mật khẩu của bạn do quản trị viên đặt: hãy chọn mật khẩu của riêng bạn.');
    route({ keepNotice: true });
    return;
  }
  renderHeader();
  markNav(r.name);
  // The notices page counts them itself, once marked seen; before the
  // password is changed the engine answers nothing else.
  if (r.name !== 'thong-bao' && !mustChangePassword()) refreshUnreadNotices();
  const current = () => seq === state.renderSeq;
  try {
    if (r.name === 'hop-thu') await viewInbox(current);
    else if (r.name === 'ho-so') await viewDocument(r.id, current);
    else if (r.name === 'khoi-tao') await viewStart(current);
    else if (r.name === 'van-ban-den') await viewIncoming(current);
    else if (r.name === 'thong-bao') await viewNotices(current);
    else if (r.name === 'tra-cuu') await viewSearch(r.query, current);
    else if (r.name === 'doi-mat-khau') viewChangePassword();
    else viewNotFound();
  } catch (err) {
    if (err instanceof SessionEnded || !current()) return;
    // The page's heading stays; the alert says what went wrong.
    loaded();
    showAlert(el.alert, err);
    const heading = el.page.querySelector('h1');
    el.page.replaceChildren(heading ?? h('h1', { tabindex: '-1' }, 'Không tải được trang'));
    focusHeading();
  }
}

// Replaces the page with a heading (focused, so that a screen reader
// announces the new page) and the given content.
function setPage(title, ...content) {
  document.title = `${title} — ${APP_NAME}`;
  const heading = h('h1', { tabindex: '-1' }, title);
  // A part a page may leave out is null: append() skips it.
  el.page.replaceChildren(heading);
  append(el.page, content);
  return heading;
}

function focusHeading() {
  el.page.querySelector('h1')?.focus({ preventScroll: true });
}

function loading(title) {
  setPage(title, h('p', { class: 'dang-tai', 'aria-live': 'polite' }, 'Đang tải…'));
  el.page.setAttribute('aria-busy', 'true');
}

function loaded() {
  el.page.removeAttribute('aria-busy');
}

function viewNotFound() {
  setPage('Không tìm thấy trang',
    h('p', null, 'Địa chỉ này không có trong hệ thống. ',
      h('a', { href: '#/hop-thu' }, 'Về Hộp thư'), '.'));
  focusHeading();
}

// --- Sign in --------------------------------------------------------------

// A labelled box of the sign-in and password forms.
function secretField(label, attrs, help) {
  const id = uniqueId(attrs.name);
  const helpId = help ? uniqueId('huong-dan') : null;
  const input = h('input', { id, spellcheck: 'false', required: true, 'aria-describedby': helpId, ...attrs });
  return {
    input,
    wrap: h('div', { class: 'truong' }, h('label', { for: id }, label), input,
      help ? h('p', { id: helpId, class: 'goi-y' }, help) : null),
  };
}

// Signing in: a person's id and password, or (the button below the form)
// an access code an administrator issued.
function renderSignIn(message) {
  markNav('');
  renderHeader();
  const alert = formAlert();
  const person = secretField('Tên đăng nhập', { name: 'ten_dang_nhap', type: 'text', autocomplete: 'username' },
    'Mã cán bộ trong danh bạ, ví dụ chu-tich.07627.');
  const password = secretField('Mật khẩu', { name: 'mat_khau', type: 'password', autocomplete: 'current-password' });
  const code = secretField('Mã truy cập', { name: 'ma_truy_cap', type: 'password', autocomplete: 'off' },
    'Mã do quản trị viên hệ thống cấp.');
  const byPassword = h('div', null, person.wrap, password.wrap);
  const byCode = h('div', { hidden: true }, code.wrap);
  const toggle = h('button', { type: 'button', class: 'nut nut--lien-ket' }, 'Đăng nhập bằng mã truy cập');
  let useCode = false;
  const boxes = () => (useCode ? [code.input] : [person.input, password.input]);
  toggle.addEventListener('click', () => {
    useCode = !useCode;
    byPassword.hidden = useCode;
    byCode.hidden = !useCode;
    toggle.textContent = useCode ? 'Đăng nhập bằng mật khẩu' : 'Đăng nhập bằng mã truy cập';
    hideAlert(alert);
    boxes()[0].focus();
  });
  const button = h('button', { type: 'submit', class: 'nut' }, 'Đăng nhập');
  const form = h('form', { class: 'bieu-mau bieu-mau--hep', novalidate: true },
    byPassword, byCode, alert, h('div', { class: 'nut-bam' }, button, toggle));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideAlert(alert);
    for (const box of [person.input, password.input, code.input]) box.removeAttribute('aria-invalid');
    const empty = boxes().find((box) => (box === password.input ? box.value : box.value.trim()) === '');
    if (empty) {
      showAlert(alert, useCode ? 'Vui lòng nhập mã truy cập.' : 'Vui lòng nhập tên đăng nhập và mật khẩu.');
      empty.setAttribute('aria-invalid', 'true');
      empty.focus();
      return;
    }
    const credentials = useCode
      ? { ma_truy_cap: code.input.value.trim() }
      : { ten_dang_nhap: person.input.value.trim(), mat_khau: password.input.value };
    button.disabled = true;
    try {
      state.me = await signIn(credentials);
      password.input.value = '';
      code.input.value = '';
      state.inbox = null;
      const wanted = state.wantedHash && state.wantedHash !== '#/dang-nhap'
        ? state.wantedHash : '#/hop-thu';
      state.wantedHash = '';
      if (mustChangePassword()) {
        // Where they were going, once the password is their own.
        state.wantedHash = wanted;
        askForNewPassword();
      } else {
        go(wanted);
      }
    } catch (err) {
      showAlert(alert, err);
      const box = useCode ? code.input : password.input;
      box.setAttribute('aria-invalid', 'true');
      box.select();
      box.focus();
    } finally {
      button.disabled = false;
    }
  });
  setPage('Đăng nhập', form);
  if (message) showAlert(alert, message);
  person.input.focus();
}

// A person replaces their password, giving the current one.
function viewChangePassword() {
  const alert = formAlert();
  const current = secretField('Mật khẩu hiện tại', { name: 'current_password', type: 'password', autocomplete: 'current-password' });
  const replacement = secretField('Mật khẩu mới', { name: 'new_password', type: 'password', autocomplete: 'new-password' },
    'Ít nhất 8 ký tự; có thể gõ tiếng Việt có dấu.');
  const again = secretField('Nhập lại mật khẩu mới', { name: 'nhap_lai', type: 'password', autocomplete: 'new-password' });
  const button = h('button', { type: 'submit', class: 'nut' }, 'Đổi mật khẩu');
  const form = h('form', { class: 'bieu-mau bieu-mau--hep', novalidate: true },
    current.wrap, replacement.wrap, again.wrap, alert, h('div', { class: 'nut-bam' }, button));
  const boxes = { current_password: current.input, new_password: replacement.input };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideAlert(alert);
    for (const box of [current.input, replacement.input, again.input]) box.removeAttribute('aria-invalid');
    const fail = (box, message) => {
      box.setAttribute('aria-invalid', 'true');
      showAlert(alert, message);
      box.focus();
    };
    if (!current.input.value) return fail(current.input, 'Vui lòng nhập mật khẩu hiện tại.');
    if (!replacement.input.value) return fail(replacement.input, 'Vui lòng nhập mật khẩu mới.');
    if (replacement.input.value !== again.input.value) {
      return fail(again.input, 'Hai lần nhập mật khẩu mới không khớp.');
    }
    button.disabled = true;
    try {
      await call(SESSIONS, 'ChangePassword', {
        current_password: current.input.value, new_password: replacement.input.value,
      });
      for (const box of [current.input, replacement.input, again.input]) box.value = '';
      const forced = mustChangePassword();
      state.me.doi_mat_khau = false;
      state.me.must_change_password = false;
      showNotice('Đã đổi mật khẩu. Lần đăng nhập sau, hãy dùng mật khẩu mới.');
      if (forced) {
        // On to where they were going.
        keepNoticeOnce = true;
        const wanted = state.wantedHash || '#/hop-thu';
        state.wantedHash = '';
        go(wanted);
      }
    } catch (err) {
      if (err instanceof SessionEnded) return;
      // The engine names the field it refuses (current_password, new_password).
      const named = Object.keys(boxes).find((name) => (err.chi_tiet ?? '').includes(name));
      fail(boxes[named] ?? replacement.input, err);
    } finally {
      button.disabled = false;
    }
  });
  setPage('Đổi mật khẩu', form);
  focusHeading();
}

async function doSignOut() {
  el.signOut.disabled = true;
  try {
    await signOut();
  } catch (err) {
    // A session already gone is signed out anyway.
    if (!(err instanceof ApiError && err.status === 401)) {
      showAlert(el.alert, err);
      return;
    }
  } finally {
    el.signOut.disabled = false;
  }
  state.me = null;
  state.inbox = null;
  state.workflowTitles = null;
  state.wantedHash = '';
  renderHeader();
  go('#/dang-nhap');
}

// --- Workflow titles --------------------------------------------------------

// Every workflow, each with its latest version (ListWorkflows, all pages);
// the titles are kept for the other pages.
async function listWorkflows() {
  const workflows = [];
  let token = '';
  for (let i = 0; i < 10; i++) {
    const page = await call(WORKFLOW, 'ListWorkflows', { page_size: 1000, page_token: token });
    workflows.push(...(page.workflows ?? []));
    token = page.next_page_token ?? '';
    if (!token) break;
  }
  state.workflowTitles = new Map(workflows.map((w) => [w.name, w.title || w.name]));
  return workflows;
}

async function workflowTitles() {
  if (state.workflowTitles) return state.workflowTitles;
  let titles = new Map();
  try {
    await listWorkflows();
    titles = state.workflowTitles;
  } catch (err) {
    if (err instanceof SessionEnded) throw err;
    // The names do instead.
  }
  return titles;
}

function workflowCell(name, titles) {
  const title = titles.get(name);
  if (!title || title === name) return name;
  return [h('span', null, title), h('span', { class: 'phu' }, name)];
}

// --- Inbox ------------------------------------------------------------------

function inboxRow(item, titles) {
  const inst = item.instance ?? {};
  const events = (item.events ?? []).map((e) => h('li', null, e.title || e.event));
  const title = instanceTitle(inst);
  // The số hiệu under the title, to tell apart documents at the same step.
  const key = inst.business_key && inst.business_key !== title
    ? h('span', { class: 'phu' }, inst.business_key) : null;
  return row([
    [h('a', { href: `#/ho-so/${encodeURIComponent(inst.id)}` }, title), key],
    workflowCell(inst.workflow, titles),
    inst.state_title || inst.state || '',
    inst.unit_name || inst.unit || '',
    dueCell(item.due),
    events.length ? h('ul', { class: 'viec' }, events) : '—',
  ]);
}

async function viewInbox(current) {
  loading('Hộp thư');
  const [page, titles] = await Promise.all([
    call(WORKFLOW, 'GetInbox', { page_size: INBOX_PAGE_SIZE, view: 'INSTANCE_VIEW_BASIC' }),
    workflowTitles(),
  ]);
  if (!current()) return;
  loaded();
  state.inbox = { items: [...(page.items ?? [])], next_page_token: page.next_page_token ?? '' };

  if (state.inbox.items.length === 0) {
    setPage('Hộp thư', h('p', { class: 'trong' }, 'Không có hồ sơ nào cần xử lý.'));
    focusHeading();
    return;
  }
  const t = table('Hồ sơ đang chờ bạn xử lý',
    ['Hồ sơ', 'Quy trình', 'Trạng thái', 'Đơn vị', 'Hạn xử lý', 'Việc cần làm'],
    [], { class: 'bang', id: 'bang-hop-thu' });
  const tbody = t.tBodies[0];
  for (const item of state.inbox.items) tbody.append(inboxRow(item, titles));

  const moreAlert = formAlert();
  const more = h('button', { type: 'button', class: 'nut nut--phu' }, 'Xem thêm');
  more.hidden = !state.inbox.next_page_token;
  more.addEventListener('click', async () => {
    more.disabled = true;
    hideAlert(moreAlert);
    try {
      const next = await call(WORKFLOW, 'GetInbox', {
        page_size: INBOX_PAGE_SIZE, view: 'INSTANCE_VIEW_BASIC',
        page_token: state.inbox.next_page_token,
      });
      if (!current()) return;
      const items = next.items ?? [];
      state.inbox.items.push(...items);
      state.inbox.next_page_token = next.next_page_token ?? '';
      for (const item of items) tbody.append(inboxRow(item, titles));
      more.hidden = !state.inbox.next_page_token;
    } catch (err) {
      if (!(err instanceof SessionEnded)) showAlert(moreAlert, err);
    } finally {
      more.disabled = false;
    }
  });
  setPage('Hộp thư',
    h('div', { class: 'cuon-ngang' }, t),
    moreAlert,
    h('div', { class: 'nut-bam' }, more));
  focusHeading();
}

// --- Search -----------------------------------------------------------------

// "Tra cứu hồ sơ": the documents the official may read, by workflow, state,
// unit and số hiệu (ListInstances), a page at a time; a document's id opens
// it. The filters live in the address (search.js).
async function viewSearch(query, current) {
  loading('Tra cứu hồ sơ');
  const workflows = await listWorkflows();
  if (!current()) return;
  const filters = filtersOf(query);
  const units = heldUnits(state.me);
  // An official's own unit unless the address says otherwise: a search of
  // every unit they may read walks much more of the store.
  if (filters.unit === undefined) filters.unit = state.me?.admin ? '' : (units[0]?.unit ?? '');
  const form = searchForm(workflows, units, filters);
  const results = h('div');
  loaded();
  setPage('Tra cứu hồ sơ', form, results);
  focusHeading();
  await showFound(filters, workflows, results, current);
}

function searchForm(workflows, units, filters) {
  const alert = formAlert();
  const ids = { wf: uniqueId('tim-quy-trinh'), st: uniqueId('tim-trang-thai'),
    unit: uniqueId('tim-don-vi'), key: uniqueId('tim-so-hieu'), keyHelp: uniqueId('goi-y') };
  const wfSelect = h('select', { id: ids.wf, name: 'quy_trinh' },
    h('option', { value: '' }, 'Tất cả quy trình'),
    workflows.map((w) => h('option', { value: w.name }, w.title || w.name)));
  wfSelect.value = workflows.some((w) => w.name === filters.workflow) ? filters.workflow : '';
  const stateSelect = h('select', { id: ids.st, name: 'trang_thai' });
  const fillStates = () => {
    const chosen = workflows.find((w) => w.name === wfSelect.value);
    stateSelect.replaceChildren(h('option', { value: '' }, 'Tất cả trạng thái'),
      ...(chosen?.states ?? []).map((s) => h('option', { value: s.name }, s.title || s.name)));
    // A state belongs to one workflow (ListInstances needs the workflow).
    stateSelect.disabled = !chosen;
  };
  fillStates();
  stateSelect.value = filters.state;
  if (stateSelect.value !== filters.state) stateSelect.value = '';
  wfSelect.addEventListener('change', fillStates);
  const unitBox = state.me?.admin
    ? h('input', { id: ids.unit, name: 'don_vi', type: 'text', value: filters.unit, autocomplete: 'off' })
    : h('select', { id: ids.unit, name: 'don_vi' },
      units.map((u) => h('option', { value: u.unit }, u.name)),
      // A unit below theirs, from an address: kept as asked.
      filters.unit && !units.some((u) => u.unit === filters.unit)
        ? h('option', { value: filters.unit }, filters.unit) : null,
      h('option', { value: '' }, 'Mọi đơn vị tôi được xem'));
  unitBox.value = filters.unit;
  const keyBox = h('input', { id: ids.key, name: 'so_hieu', type: 'text', value: filters.key,
    autocomplete: 'off', 'aria-describedby': ids.keyHelp });
  const field = (id, label, control, help) => h('div', { class: 'truong' },
    h('label', { for: id }, label), control, help ?? null);
  const form = h('form', { class: 'bieu-mau', role: 'search', 'aria-label': 'Tìm hồ sơ', novalidate: true },
    field(ids.wf, 'Quy trình', wfSelect),
    field(ids.st, 'Trạng thái', stateSelect),
    field(ids.unit, state.me?.admin ? 'Mã đơn vị (để trống: mọi đơn vị)' : 'Đơn vị', unitBox),
    field(ids.key, 'Số hiệu hoặc mã hồ sơ', keyBox,
      h('p', { id: ids.keyHelp, class: 'goi-y' },
        'Số hiệu đúng như khi khởi tạo (ví dụ KH-2026-DAI-SON), hoặc mã hồ sơ (wi-…) để mở ngay.')),
    alert,
    h('div', { class: 'nut-bam' }, h('button', { type: 'submit', class: 'nut' }, 'Tìm')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = keyBox.value.trim();
    if (INSTANCE_ID.test(key)) {
      go(`#/ho-so/${encodeURIComponent(key)}`);
      return;
    }
    go(searchHash({
      workflow: wfSelect.value,
      state: stateSelect.disabled ? '' : stateSelect.value,
      unit: unitBox.value.trim(),
      key,
    }));
  });
  return form;
}

// The documents found, under the form: a table a page at a time ("Xem
// thêm"), or what the engine said of the filters.
async function showFound(filters, workflows, holder, current) {
  const titles = new Map(workflows.map((w) => [w.name, w.title || w.name]));
  const cell = (name) => workflowCell(name, titles);
  const request = {
    workflow: filters.workflow, state: filters.workflow ? filters.state : '',
    unit: filters.unit, business_key: filters.key,
    page_size: SEARCH_PAGE_SIZE, view: 'INSTANCE_VIEW_BASIC',
  };
  const t = table('Kết quả tra cứu',
    ['Hồ sơ', 'Quy trình', 'Trạng thái', 'Đơn vị', 'Hạn xử lý', 'Cập nhật'],
    [], { class: 'bang', id: 'bang-tra-cuu' });
  const empty = h('p', { class: 'trong' });
  const alert = formAlert();
  const more = h('button', { type: 'button', class: 'nut nut--phu' }, 'Xem thêm');
  let found = 0;
  const load = async (token) => {
    more.disabled = true;
    hideAlert(alert);
    try {
      const page = await call(WORKFLOW, 'ListInstances', { ...request, page_token: token });
      if (!current()) return;
      for (const instance of page.instances ?? []) t.tBodies[0].append(foundRow(instance, cell));
      found += (page.instances ?? []).length;
      more.hidden = !page.next_page_token;
      more.onclick = () => load(page.next_page_token);
      // A page may come back short, even empty, while more is left to read.
      t.hidden = found === 0;
      empty.hidden = found > 0;
      empty.textContent = page.next_page_token
        ? 'Chưa thấy hồ sơ nào trong phần đã tìm: bấm «Xem thêm» để tìm tiếp.'
        : 'Không tìm thấy hồ sơ nào.';
    } catch (err) {
      if (!(err instanceof SessionEnded)) showAlert(alert, err);
    } finally {
      more.disabled = false;
    }
  };
  holder.replaceChildren(section('Kết quả', h('div', { class: 'cuon-ngang' }, t), empty, alert,
    h('div', { class: 'nut-bam' }, more)));
  t.hidden = true;
  more.hidden = true;
  await load('');
}

// --- One document ---------------------------------------------------------

async function readHistory(id) {
  const events = [];
  let token = '';
  for (let i = 0; i < 50; i++) {
    const page = await call(WORKFLOW, 'GetHistory', { instance_id: id, page_size: 1000, page_token: token });
    events.push(...(page.events ?? []));
    token = page.next_page_token ?? '';
    if (!token) break;
  }
  return events;
}

async function readFiles(id) {
  try {
    return { slots: (await call(FILES, 'ListFiles', { instance_id: id })).slots ?? [] };
  } catch (err) {
    if (err instanceof SessionEnded) throw err;
    return { error: err };
  }
}

const SPECIAL_EVENTS = {
  start: 'Khởi tạo hồ sơ',
  'wf.cancel': 'Hủy hồ sơ',
  'wf.attach': 'Đính kèm tệp',
};

function eventTitle(name, transitions) {
  const t = transitions.get(name);
  if (t?.title) return t.title;
  return SPECIAL_EVENTS[name] ?? name;
}

async function viewDocument(id, current) {
  loading('Hồ sơ');
  // GetInstance names the steps the caller may take on it now.
  const [instance, events, files, doc, progress] = await Promise.all([
    call(WORKFLOW, 'GetInstance', { instance_id: id, with_events: true }),
    readHistory(id),
    readFiles(id),
    readOptional(DOCUMENTS, 'GetDocument', { instance_id: id }),
    readOptional(WORKFLOW, 'GetProgress', { instance_id: id, with_units: true }),
  ]);
  const workflow = await readWorkflow(instance);
  if (!current()) return;
  loaded();

  const states = new Map((workflow?.states ?? []).map((s) => [s.name, s.title || s.name]));
  const transitions = new Map((workflow?.transitions ?? []).map((t) => [t.event, t]));
  const fields = fieldSpecs(workflow);
  const stateTitle = (name) => (name ? states.get(name) ?? name : '—');

  const heading = setPage(instanceTitle(instance),
    h('p', { class: 'duong-dan' },
      h('a', { href: '#/hop-thu' }, h('span', { 'aria-hidden': 'true' }, '← '), 'Về Hộp thư')),
    summaryList(instance, workflow, stateTitle),
    actionsSection(instance, transitions, fields),
    documentPart(doc),
    progressPart(progress),
    clocksSection(instance),
    variablesSection(instance, fields),
    filesSection(instance, files),
    historySection(events, transitions, stateTitle));
  heading.classList.add('tieu-de-ho-so');
  focusHeading();
}

// The workflow version the instance runs on, or null when it cannot be read.
async function readWorkflow(instance) {
  try {
    return await call(WORKFLOW, 'GetWorkflow', {
      name: instance.workflow, version: instance.workflow_version,
    });
  } catch (err) {
    if (err instanceof SessionEnded) throw err;
    return null;
  }
}

// A call a page can do without: { value } or { error }.
async function readOptional(service, method, message) {
  try {
    return { value: await call(service, method, message) };
  } catch (err) {
    if (err instanceof SessionEnded) throw err;
    return { error: err };
  }
}

// A part that could not be read: nothing when there is none (NOT_FOUND),
// else a section saying why.
function unreadPart(title, answer) {
  if (answer.error.status === 404) return null;
  return section(title, h('p', { class: 'trong' }, `Không đọc được: ${answer.error.message}`));
}

function documentPart(answer) {
  if (answer.error) return unreadPart('Văn bản', answer);
  return hasDocument(answer.value) ? documentSection(answer.value) : null;
}

function progressPart(answer) {
  if (answer.error) return unreadPart('Tiến độ thực hiện', answer);
  return hasProgress(answer.value) ? progressSection(answer.value) : null;
}

function summaryList(instance, workflow, stateTitle) {
  const status = [instance.state_title || stateTitle(instance.state)];
  if (instance.cancelled) status.push(' ', h('span', { class: 'nhan' }, 'Đã hủy'));
  else if (instance.finished) status.push(' ', h('span', { class: 'nhan nhan--xong' }, 'Đã kết thúc'));

  const facts = [
    ['Mã hồ sơ', instance.id],
    ['Số hiệu', instance.business_key || '—'],
    ['Quy trình', workflow?.title
      ? `${workflow.title} (${instance.workflow}, phiên bản ${instance.workflow_version})`
      : `${instance.workflow} (phiên bản ${instance.workflow_version})`],
    ['Trạng thái', status],
    ['Đơn vị', instance.unit_name || instance.unit || '—'],
    ['Ngày tạo', h('time', { datetime: isoTime(instance.created_at) }, formatLongDate(instance.created_at) || '—')],
    ['Người tạo', instance.created_by || '—'],
    ['Cập nhật lần cuối', formatDateTime(instance.updated_at) || '—'],
  ];
  if (instance.cancelled && instance.cancel_reason) facts.push(['Lý do hủy', instance.cancel_reason]);
  if (instance.parent_id) {
    facts.push(['Hồ sơ cha', h('a', { href: `#/ho-so/${encodeURIComponent(instance.parent_id)}` }, instance.parent_id)]);
  }
  return h('dl', { class: 'thong-tin' },
    facts.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

function actionsSection(instance, transitions, fields) {
  const events = instance.events ?? [];
  if (events.length === 0) {
    return section('Việc cần làm',
      h('p', { class: 'trong' }, instance.finished
        ? 'Hồ sơ đã kết thúc.'
        : 'Bạn không có việc cần làm với hồ sơ này.'));
  }
  const formHolder = h('div', { class: 'noi-bieu-mau' });
  const buttons = events.map((ev) => {
    const transition = transitions.get(ev.event);
    const title = ev.title || transition?.title || ev.event;
    const button = h('button', {
      type: 'button', class: 'nut nut--phu', 'aria-expanded': 'false',
      dataset: { event: ev.event },
    }, title);
    button.addEventListener('click', () => {
      const open = button.getAttribute('aria-expanded') === 'true';
      for (const b of buttonList.querySelectorAll('button')) b.setAttribute('aria-expanded', 'false');
      formHolder.replaceChildren();
      if (open) return;
      button.setAttribute('aria-expanded', 'true');
      const form = actionForm(instance, ev, title, transition, fields, () => {
        button.setAttribute('aria-expanded', 'false');
        formHolder.replaceChildren();
        button.focus();
      });
      formHolder.append(form);
      (form.querySelector('textarea, input') ?? form.querySelector('button'))?.focus();
    });
    return h('li', null, button);
  });
  const buttonList = h('ul', { class: 'hanh-dong' }, buttons);
  return section('Việc cần làm', buttonList, formHolder);
}

// A step's form: a box per field it requires, then one per field it takes
// when given (`optional`), each fitting the field's kind (fields.js).
function actionForm(instance, offered, title, transition, fields, close) {
  const alert = formAlert();
  const inputs = boxesFor(transition, fields);
  const submit = h('button', { type: 'submit', class: 'nut' }, 'Xác nhận');
  const cancel = h('button', { type: 'button', class: 'nut nut--phu', onclick: close }, 'Hủy');
  const headingId = uniqueId('tieu-de-bieu-mau');
  const who = offered.acting_for
    ? h('p', { class: 'goi-y' }, `Bạn thực hiện theo ủy quyền của ${offered.acting_for}.`)
    : null;
  const form = h('form', { class: 'bieu-mau bieu-mau--xu-ly', 'aria-labelledby': headingId, novalidate: true },
    h('h3', { id: headingId }, title),
    who,
    inputs.length ? inputs.map((i) => i.wrap) : h('p', null, 'Xác nhận thực hiện việc này với hồ sơ?'),
    alert,
    h('div', { class: 'nut-bam' }, submit, cancel));

  const keys = new WriteKeys();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideAlert(alert);
    // An empty field is left out: the workflow says what it requires, and
    // its refusal names the field.
    const { values: payload, problem, input } = collectValues(inputs);
    if (problem) {
      showAlert(alert, problem);
      input.control.focus();
      return;
    }
    const request = {
      instance_id: instance.id,
      event: offered.event,
      payload,
      expected_version: instance.version,
      // The page is read again after the step: the answer need not carry
      // the variables.
      view: 'INSTANCE_VIEW_BASIC',
    };
    request.idempotency_key = keys.keyFor(request);
    submit.disabled = true;
    cancel.disabled = true;
    let answer;
    try {
      answer = await call(WORKFLOW, 'FireEvent', request);
      keys.settled(null);
    } catch (err) {
      keys.settled(err);
      if (err instanceof SessionEnded) return;
      submit.disabled = false;
      cancel.disabled = false;
      const named = markInvalidField(err, inputs);
      const hint = err instanceof ApiError && err.ly_do === 'FIELD_REQUIRED' && named.length
        ? `Vui lòng nhập: ${named.map((n) => fieldTitle(fields, n)).join(', ')}.` : '';
      showAlert(alert, err, hint);
      focusInvalidField(inputs);
      return;
    }
    state.inbox = null;
    const newState = answer.instance?.state_title || answer.instance?.state || '';
    showNotice(`Đã thực hiện: ${title}. Trạng thái mới: ${newState}`);
    await route({ keepNotice: true });
    el.main.scrollIntoView?.({ block: 'start' });
  });
  return form;
}

// The boxes of `declared` (a transition, or a workflow for its start
// variables): the required fields, marked so, then the optional ones.
function boxesFor(declared, specs, options = {}) {
  const required = declared?.required_fields ?? [];
  const optional = declared?.optional_fields ?? [];
  return [
    ...required.map((name) => fieldInput(name, specs.get(name), options)),
    ...optional.map((name) => fieldInput(name, specs.get(name), { ...options, required: false })),
  ];
}

// A refusal naming payload fields ("payload.ly_do", 'ly_do'): marks them
// and answers their names.
function markInvalidField(err, inputs) {
  const text = `${err.chi_tiet ?? ''} ${err.thong_bao ?? ''}`;
  const named = [];
  for (const { name, control } of inputs) {
    control.removeAttribute('aria-invalid');
    if (new RegExp(`(^|[^a-z0-9_])${name}([^a-z0-9_]|$)`).test(text)) {
      control.setAttribute('aria-invalid', 'true');
      named.push(name);
    }
  }
  return named;
}

function focusInvalidField(inputs) {
  inputs.find((i) => i.control.getAttribute('aria-invalid') === 'true')?.control.focus();
}

function clocksSection(instance) {
  const clocks = instance.clocks ?? [];
  if (clocks.length === 0) {
    return section('Hạn xử lý', h('p', { class: 'trong' }, 'Hồ sơ không có hạn xử lý đang tính.'));
  }
  const rows = clocks.map((c) => {
    let status;
    if (c.expired || (!c.paused && isPast(c.due))) {
      status = h('span', { class: 'nhan nhan--qua-han' }, 'Quá hạn');
    } else if (c.paused) {
      const days = Number(c.remaining_days);
      status = days > 0 ? `Tạm dừng (còn ${days} ngày)` : 'Tạm dừng';
    } else {
      status = 'Đang tính';
    }
    return [
      knownLabel(c.name) ?? c.name,
      parseTime(c.due) ? h('time', { datetime: isoTime(c.due) }, formatDeadlineTime(c.due)) : '—',
      status,
    ];
  });
  return section('Hạn xử lý', table('Các hạn xử lý của hồ sơ', ['Hạn', 'Đến hạn', 'Tình trạng'], rows, { class: 'bang' }));
}

function variablesSection(instance, fields) {
  const vars = instance.variables && typeof instance.variables === 'object' ? instance.variables : {};
  const names = Object.keys(vars).sort();
  if (names.length === 0) {
    return section('Thông tin hồ sơ', h('p', { class: 'trong' }, 'Hồ sơ chưa có thông tin.'));
  }
  const rows = names.map((name) => {
    // A name the workflow or the console gives words to, with the name
    // itself beneath; any other as the workflow wrote it.
    const label = fields.get(name)?.title || knownLabel(name);
    const key = label ? [label, h('code', { class: 'phu' }, name)] : h('code', null, name);
    const value = vars[name];
    const shown = displayValue(value);
    const cell = value !== null && typeof value === 'object'
      ? h('code', { class: 'json' }, shown) : shown;
    return [key, cell];
  });
  return section('Thông tin hồ sơ',
    table('Thông tin hồ sơ', ['Trường', 'Giá trị'], rows, { class: 'bang bang--hai-cot', id: 'bang-bien' }));
}

// --- Files of a document ------------------------------------------------

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;  // the engine's default --max_file_mb
const UPLOAD_ACCEPT = '.pdf,.docx,.xlsx,.odt,.jpg,.jpeg,.png';
const OTHER_SLOT = ':khac';  // never a slot name: those start with a letter

function filesSection(instance, files) {
  return section('Tệp đính kèm', filesList(instance.id, files), uploadPart(instance, files));
}

const filledSlots = (files) => (files.slots ?? []).filter((s) => (s.versions ?? []).length > 0);

function filesList(instanceId, files) {
  if (files.error) {
    return h('p', { class: 'trong' }, `Không đọc được danh sách tệp: ${files.error.message}`);
  }
  const slots = filledSlots(files);
  if (slots.length === 0) return h('p', { class: 'trong' }, 'Hồ sơ chưa có tệp đính kèm.');
  return h('div', { class: 'cuon-ngang' },
    table('Tệp đính kèm', ['Thành phần hồ sơ', 'Tên tệp', 'Phiên bản', 'Dung lượng', 'Thêm lúc', 'Tải về'],
      slots.map((s) => fileRow(instanceId, s)), { class: 'bang', id: 'bang-tep' }));
}

// One slot: its latest version, links to the earlier ones.
function fileRow(instanceId, s) {
  const latest = s.versions[s.versions.length - 1];
  const label = slotLabel(s.slot);
  return [
    label === s.slot ? h('code', null, s.slot) : [label, h('code', { class: 'phu' }, s.slot)],
    latest.name,
    [String(latest.version), olderVersions(instanceId, s.slot, s.versions.slice(0, -1))],
    formatBytes(latest.size),
    [formatDateTime(latest.added_at), latest.added_by ? ` — ${latest.added_by}` : ''],
    downloadLink(instanceId, s.slot, latest, 'Tải về'),
  ];
}

function olderVersions(instanceId, slot, older) {
  if (older.length === 0) return null;
  return h('span', { class: 'phu phien-ban-cu' }, 'Các phiên bản trước: ',
    older.map((v, i) => [i ? ', ' : '', downloadLink(instanceId, slot, v, `phiên bản ${v.version}`)]));
}

// A same-origin GET: the cookie goes with it; the gateway names the file.
function downloadLink(instanceId, slot, v, text) {
  const link = h('a', {
    href: fileUrl(instanceId, slot, v.version), download: true,
    title: `Tải về «${v.name}» (phiên bản ${v.version})`,
  }, text);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    saveFile(link.href, v.name);
  });
  return link;
}

// Fetches the file first, then hands it to the browser to save: a download
// refused (a session that ended, a document no longer readable) is said on
// the page in the engine's words, not as the browser's bare "Failed".
async function saveFile(url, name) {
  hideAlert(el.alert);
  let blob;
  try {
    blob = await guarded(() => fetchFile(url));
  } catch (err) {
    if (err instanceof SessionEnded) return;
    showAlert(el.alert, err);
    el.alert.scrollIntoView?.({ block: 'nearest' });
    return;
  }
  const local = URL.createObjectURL(blob);
  const save = h('a', { href: local, download: name, hidden: true });
  document.body.append(save);
  save.click();
  save.remove();
  // Long enough for the browser to have started saving it.
  setTimeout(() => URL.revokeObjectURL(local), 60_000);
}

function uploadPart(instance, files) {
  if (instance.finished || instance.cancelled) {
    return h('p', { class: 'trong' }, 'Hồ sơ đã kết thúc: không đính kèm thêm tệp được.');
  }
  return uploadForm(instance, files.error ? [] : filledSlots(files).map((s) => s.slot));
}

function uploadForm(instance, existingSlots) {
  const slot = slotPicker(existingSlots);
  const fileId = uniqueId('tep');
  const fileHelp = uniqueId('goi-y-tep');
  const fileInput = h('input', {
    id: fileId, name: 'tep', type: 'file', accept: UPLOAD_ACCEPT, 'aria-describedby': fileHelp,
  });
  const parts = {
    instance, slot, fileInput, keys: new WriteKeys(), alert: formAlert(),
    progress: h('p', { class: 'goi-y', 'aria-live': 'polite', hidden: true }),
    submit: h('button', { type: 'submit', class: 'nut' }, 'Tải lên'),
  };
  const headingId = uniqueId('tieu-de-dinh-kem');
  const form = h('form', {
    class: 'bieu-mau bieu-mau--xu-ly bieu-mau--tep', 'aria-labelledby': headingId, novalidate: true,
  },
  h('h3', { id: headingId }, 'Đính kèm tệp'),
  slot.fields,
  h('div', { class: 'truong' }, h('label', { for: fileId }, 'Tệp'), fileInput,
    h('p', { id: fileHelp, class: 'goi-y' },
      'PDF, DOCX, XLSX, ODT, JPEG hoặc PNG, tối đa 64 MB. Định dạng tệp được xác định theo nội dung, không theo tên tệp.')),
  parts.alert, parts.progress,
  h('div', { class: 'nut-bam' }, parts.submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendUpload(parts);
  });
  return form;
}

// "Thành phần hồ sơ": the known slots, the document's others, and "Khác…" with a
// field for a slot name.
function slotPicker(existingSlots) {
  const id = uniqueId('loai-tep');
  const otherId = uniqueId('loai-tep-khac');
  const otherHelp = uniqueId('goi-y-loai-tep-khac');
  const extra = existingSlots.filter((s) => !KNOWN_SLOTS.includes(s));
  const select = h('select', { id, name: 'ngan' },
    h('option', { value: '' }, '— Chọn thành phần hồ sơ —'),
    [...KNOWN_SLOTS, ...extra].map((s) => h('option', { value: s }, slotLabel(s))),
    h('option', { value: OTHER_SLOT }, 'Khác…'));
  const other = h('input', {
    id: otherId, name: 'ngan_khac', type: 'text', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': otherHelp,
  });
  const otherField = h('div', { class: 'truong', hidden: true },
    h('label', { for: otherId }, 'Tên thành phần khác'), other,
    h('p', { id: otherHelp, class: 'goi-y' },
      'Chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ cái; ví dụ: quyet_dinh.'));
  select.addEventListener('change', () => {
    otherField.hidden = select.value !== OTHER_SLOT;
    if (!otherField.hidden) other.focus();
  });
  const isOther = () => select.value === OTHER_SLOT;
  return {
    fields: [h('div', { class: 'truong' }, h('label', { for: id }, 'Thành phần hồ sơ'), select), otherField],
    controls: [select, other],
    isOther,
    control: () => (isOther() ? other : select),
    value: () => (isOther() ? other.value.trim() : select.value),
  };
}

// What keeps the upload from being sent: [control, message], or null.
function uploadProblem(slot, fileInput) {
  const name = slot.value();
  if (name === '') {
    return [slot.control(), slot.isOther() ? 'Vui lòng nhập tên thành phần hồ sơ.' : 'Vui lòng chọn thành phần hồ sơ.'];
  }
  if (!isSlotName(name)) {
    return [slot.control(), `Tên thành phần «${name}» không hợp lệ: chỉ dùng chữ thường không dấu ` +
      '(a–z), chữ số và dấu gạch dưới (_), bắt đầu bằng chữ cái, tối đa 64 ký tự; ví dụ: quyet_dinh.'];
  }
  const file = fileInput.files?.[0];
  if (!file) return [fileInput, 'Vui lòng chọn tệp cần đính kèm.'];
  if (file.size === 0) return [fileInput, `Tệp «${file.name}» trống (0 byte). Vui lòng chọn tệp khác.`];
  if (file.size > MAX_UPLOAD_BYTES) {
    return [fileInput, `Tệp «${file.name}» có dung lượng ${formatBytes(file.size)}, ` +
      'vượt quá giới hạn 64 MB cho mỗi tệp.'];
  }
  return null;
}

function markInvalid(control) {
  control.setAttribute('aria-invalid', 'true');
  control.focus();
}

// The control an upload's refusal is about.
function refusedControl(err, slot, fileInput) {
  if (!(err instanceof ApiError)) return null;
  if (err.ly_do === 'FILE_SLOT_INVALID') return slot.control();
  const aboutFile = ['FILE_NAME_INVALID', 'MEDIA_TYPE_REFUSED', 'FILE_TOO_LARGE'];
  return aboutFile.includes(err.ly_do) || err.status === 413 ? fileInput : null;
}

async function sendUpload({ instance, slot, fileInput, keys, alert, progress, submit }) {
  hideAlert(alert);
  for (const c of [...slot.controls, fileInput]) c.removeAttribute('aria-invalid');
  const problem = uploadProblem(slot, fileInput);
  if (problem) {
    showAlert(alert, problem[1]);
    markInvalid(problem[0]);
    return;
  }
  const file = fileInput.files[0];
  const request = { instanceId: instance.id, slot: slot.value(), name: file.name.normalize('NFC') };
  const idempotencyKey = keys.keyFor({ ...request, size: file.size, modified: file.lastModified });
  submit.disabled = true;
  progress.textContent = 'Đang tải lên…';
  progress.hidden = false;
  let answer;
  try {
    answer = await guarded(() => uploadFile({ ...request, file, idempotencyKey }));
    keys.settled(null);
  } catch (err) {
    keys.settled(err);
    if (err instanceof SessionEnded) return;
    submit.disabled = false;
    progress.hidden = true;
    showAlert(alert, err);
    const control = refusedControl(err, slot, fileInput);
    if (control) markInvalid(control);
    return;
  }
  await uploaded(request, answer);
}

async function uploaded(request, answer) {
  const v = answer.file ?? {};
  state.inbox = null;
  showNotice(`Đã đính kèm «${v.name || request.name}» vào ${slotLabel(request.slot)} ` +
    `(phiên bản ${v.version}).`);
  await route({ keepNotice: true });
  el.main.scrollIntoView?.({ block: 'start' });
}

function actorText(e) {
  if (e.actor === 'system:timer') return 'Hệ thống (tự động theo hạn)';
  return e.actor_name || e.actor || '—';
}

function historySection(events, transitions, stateTitle) {
  if (events.length === 0) {
    return section('Lịch sử xử lý', h('p', { class: 'trong' }, 'Chưa có lịch sử.'));
  }
  const rows = events.map((e) => {
    const from = e.from_state ? stateTitle(e.from_state) : '—';
    const to = e.to_state ? stateTitle(e.to_state) : from;
    const move = e.from_state && e.from_state === e.to_state
      ? `${to} (giữ nguyên)`
      : `${from} → ${to}`;
    const who = [actorText(e)];
    const where = [e.actor_role ? roleLabel(e.actor_role) : '', e.actor_unit_name].filter(Boolean);
    if (where.length && e.actor !== 'system:timer') who.push(h('span', { class: 'phu' }, where.join(', ')));
    if (e.acting_for) who.push(h('span', { class: 'phu' }, `theo ủy quyền của ${e.acting_for_name || e.acting_for}`));
    const notes = historyNote(e).map((n) => h('div', null, n));
    return [
      String(e.seq),
      h('time', { datetime: isoTime(e.at) }, formatDateTime(e.at)),
      eventTitle(e.event, transitions),
      move,
      who,
      notes.length ? notes : '',
    ];
  });
  return section('Lịch sử xử lý',
    h('div', { class: 'cuon-ngang' },
      table('Lịch sử xử lý', ['Số', 'Lúc', 'Sự kiện', 'Từ → Đến', 'Người', 'Ghi chú'], rows,
        { class: 'bang', id: 'bang-lich-su' })));
}

// --- Notices (Thông báo) ---------------------------------------------------

// What steps told the official's units and the official; administrators
// name the unit or person whose notices they read.
async function viewNotices(current) {
  loading('Thông báo');
  const list = noticeList(current);
  if (!state.me.admin) await fetchNotices(list, false);
  if (!current()) return;
  loaded();
  setPage('Thông báo',
    h('p', { class: 'goi-y' }, 'Thông báo và đôn đốc của các bước xử lý gửi tới đơn vị của bạn ' +
      'và tới bạn, mới nhất trước.'),
    state.me.admin ? list.picker : null, list.body, list.alert,
    h('div', { class: 'nut-bam' }, list.more));
  focusHeading();
}

function noticeList(current) {
  const box = h('input', { type: 'text', id: uniqueId('nguoi-nhan'), name: 'nguoi_nhan',
    autocomplete: 'off', required: true });
  const list = {
    current, seq: 0, token: '', tbody: null, recipient: () => box.value.trim(),
    picker: h('form', { class: 'bieu-mau', id: 'chon-nguoi-nhan' },
      h('div', { class: 'truong' }, h('label', { for: box.id }, 'Mã đơn vị hoặc người nhận'), box),
      h('div', { class: 'nut-bam' }, h('button', { type: 'submit', class: 'nut' }, 'Xem thông báo'))),
    body: h('div', { class: 'cuon-ngang' }),
    alert: formAlert(),
    more: h('button', { type: 'button', class: 'nut nut--phu', hidden: true }, 'Xem thêm'),
  };
  list.picker.addEventListener('submit', (e) => {
    e.preventDefault();
    reloadList(list, false, fetchNotices);
  });
  list.more.addEventListener('click', () => reloadList(list, true, fetchNotices));
  return list;
}

// The first page (or, `more`, the next one) of the notices.
async function fetchNotices(list, more) {
  const seq = ++list.seq;
  const page = await call(WORKFLOW, 'ListNotices', {
    recipient: list.recipient(), page_size: NOTICES_PAGE_SIZE, page_token: more ? list.token : '',
  });
  if (!list.current() || seq !== list.seq) return;
  const notices = page.notices ?? [];
  list.token = page.next_page_token ?? '';
  list.more.hidden = !list.token;
  if (!more) list.tbody = null;
  if (!list.tbody && notices.length > 0) {
    const t = table('Thông báo gửi tới đơn vị và tới bạn', ['Lúc', 'Loại', 'Nội dung', 'Hồ sơ',
      'Người gửi', 'Gửi tới'], [], { class: 'bang', id: 'bang-thong-bao' });
    list.tbody = t.tBodies[0];
    list.body.replaceChildren(t);
  }
  if (!list.tbody) list.body.replaceChildren(h('p', { class: 'trong' }, 'Chưa có thông báo nào.'));
  for (const n of notices) {
    const r = row(noticeCells(n, instanceLink));
    if (n.unread) r.classList.add('dong--moi');
    list.tbody.append(r);
  }
  // An official who opens the list has seen what it shows first: up to the
  // newest notice, so that one arriving meanwhile still counts as new.
  if (!more && !state.me.admin) await markNoticesSeen(list, notices[0], page.unread ?? 0);
}

async function markNoticesSeen(list, newest, unread) {
  if (newest && unread > 0) {
    await call(WORKFLOW, 'MarkNoticesSeen', { up_to: newest.at });
  }
  ++state.unreadSeq;
  if (list.current()) showUnreadNotices(0);
}

// --- Incoming documents (Văn bản đến) --------------------------------------

// A person's units' incoming documents; administrators name the unit whose
// list they read (and, holding no role in it, acknowledge nothing).
async function viewIncoming(current) {
  loading('Văn bản đến');
  const list = incomingList(current);
  if (!state.me.admin) await fetchIncoming(list, false);
  if (!current()) return;
  loaded();
  setPage('Văn bản đến',
    h('p', { class: 'goi-y' }, 'Văn bản các cơ quan gửi tới đơn vị của bạn, mới nhất trước. ' +
      'Văn bản điện tử đến cần được xác nhận đã nhận ngay trong ngày (Nghị định 30/2020/NĐ-CP).'),
    state.me.admin ? list.picker : null,
    list.filter, list.body, list.alert, h('div', { class: 'nut-bam' }, list.more));
  focusHeading();
}

function incomingList(current) {
  const box = h('input', { type: 'checkbox', id: uniqueId('chi-cho'), name: 'chi_cho_xac_nhan' });
  const unitBox = h('input', { type: 'text', id: uniqueId('don-vi-nhan'), name: 'don_vi',
    autocomplete: 'off', required: true });
  const list = {
    current, seq: 0, token: '', tbody: null, unit: () => unitBox.value.trim(),
    picker: h('form', { class: 'bieu-mau', id: 'chon-don-vi-nhan' },
      h('div', { class: 'truong' }, h('label', { for: unitBox.id }, 'Mã đơn vị nhận'), unitBox),
      h('div', { class: 'nut-bam' }, h('button', { type: 'submit', class: 'nut' }, 'Xem văn bản đến'))),
    filter: h('div', { class: 'truong truong--chon' }, box,
      h('label', { for: box.id }, 'Chỉ hiện văn bản chưa xác nhận')),
    body: h('div', { class: 'cuon-ngang' }),
    alert: formAlert(),
    more: h('button', { type: 'button', class: 'nut nut--phu', hidden: true }, 'Xem thêm'),
  };
  list.onlyWaiting = () => box.checked;
  list.picker.addEventListener('submit', (e) => {
    e.preventDefault();
    reloadList(list, false, fetchIncoming);
  });
  // An administrator's list waits for the unit to be named.
  box.addEventListener('change', () => {
    if (!state.me.admin || list.unit()) reloadList(list, false, fetchIncoming);
  });
  list.more.addEventListener('click', () => reloadList(list, true, fetchIncoming));
  return list;
}

// The first page (or, `more`, the next one) of the caller's incoming list.
async function fetchIncoming(list, more) {
  const seq = ++list.seq;
  const page = await call(DOCUMENTS, 'ListIncoming', {
    unit: list.unit(), only_unacknowledged: list.onlyWaiting(), page_size: INCOMING_PAGE_SIZE,
    page_token: more ? list.token : '',
  });
  if (!list.current() || seq !== list.seq) return;
  const docs = page.documents ?? [];
  list.token = page.next_page_token ?? '';
  list.more.hidden = !list.token;
  if (!more) list.tbody = null;
  if (!list.tbody && docs.length > 0) {
    const t = table('Văn bản gửi tới đơn vị', ['Số, ký hiệu', 'Trích yếu', 'Cơ quan ban hành', 'Ngày',
      'Đơn vị nhận', 'Tình trạng', 'Thao tác'], [], { class: 'bang', id: 'bang-van-ban-den' });
    list.tbody = t.tBodies[0];
    list.body.replaceChildren(t);
  }
  if (!list.tbody) list.body.replaceChildren(h('p', { class: 'trong' }, emptyIncomingText(list)));
  for (const d of docs) list.tbody.append(incomingRow(list, d));
}

function emptyIncomingText(list) {
  return list.onlyWaiting() ? 'Không có văn bản nào chờ xác nhận.' : 'Chưa có văn bản đến.';
}

// A load the person asked for (a filter, "Xem thêm") of a paged list
// (`load`: its fetchIncoming or fetchNotices): its error stays here.
async function reloadList(list, more, load) {
  hideAlert(list.alert);
  list.more.disabled = true;
  try {
    await load(list, more);
  } catch (err) {
    if (!(err instanceof SessionEnded)) showAlert(list.alert, err);
  } finally {
    list.more.disabled = false;
  }
}

function incomingRow(list, d) {
  const item = { d, keys: new WriteKeys(), tr: h('tr', { dataset: { hoSo: d.instance_id, donVi: d.unit } }) };
  fillIncomingRow(list, item);
  return item.tr;
}

function fillIncomingRow(list, item) {
  const cells = [...incomingCells(item.d, unitName(item.d.unit)), incomingStatus(item.d),
    incomingActions(list, item)];
  item.tr.replaceChildren(...cells.map((c) => h('td', null, c)));
}

// The name of one of the caller's units, from WhoAmI.
function unitName(unit) {
  const held = (state.me?.roles ?? []).find((r) => r.unit === unit && r.unit_name);
  return held ? held.unit_name : unit;
}

function incomingActions(list, item) {
  const { d } = item;
  const links = h('div', { class: 'lien-ket-dong' }, documentLink(d.instance_id),
    d.readable ? instanceLink(d.instance_id) : null);
  // Receipt is the unit's own: an administrator only reads.
  if (!isWaiting(d) || state.me.admin) return links;
  const label = d.recalled ? 'Xác nhận đã thu hồi' : 'Xác nhận đã nhận';
  const alert = formAlert();
  const button = h('button', {
    type: 'button', class: 'nut nut--nho', 'aria-label': `${label} văn bản ${d.reference || d.trich_yeu}`,
  }, label);
  button.addEventListener('click', () => acknowledge(list, item, button, alert));
  return [h('div', { class: 'nut-bam' }, button), alert, links];
}

const instanceLink = (id) => h('a', { href: `#/ho-so/${encodeURIComponent(id)}`, class: 'mo-ho-so' }, 'Mở hồ sơ');

async function acknowledge(list, item, button, alert) {
  hideAlert(alert);
  const request = { instance_id: item.d.instance_id, unit: item.d.unit };
  request.idempotency_key = item.keys.keyFor(request);
  button.disabled = true;
  let answer;
  try {
    answer = await call(DOCUMENTS, 'AcknowledgeDocument', request);
    item.keys.settled(null);
  } catch (err) {
    item.keys.settled(err);
    if (err instanceof SessionEnded) return;
    button.disabled = false;
    showAlert(alert, err);
    return;
  }
  const wasRecalled = item.d.recalled;
  Object.assign(item.d, receiptOf(answer.document, item.d.unit));
  fillIncomingRow(list, item);
  showNotice(acknowledgedText(item.d, answer.replayed, wasRecalled));
  item.tr.querySelector('.tinh-trang')?.focus();
}

function acknowledgedText(d, replayed, recalled) {
  const name = d.reference || `«${d.trich_yeu}»`;
  if (recalled || d.recalled) {
    return replayed ? `Đơn vị đã xác nhận thu hồi văn bản ${name} trước đó.`
      : `Đã xác nhận thu hồi văn bản ${name}.`;
  }
  const when = formatDateTime(d.acknowledged_at);
  const who = d.acknowledged_by_name || d.acknowledged_by;
  return replayed ? `Văn bản ${name} đã được xác nhận trước đó${who ? ` bởi ${who}` : ''}${when ? ` lúc ${when}` : ''}.`
    : `Đã xác nhận đã nhận văn bản ${name}${when ? ` lúc ${when}` : ''}.`;
}

// --- Starting a document ------------------------------------------------

async function viewStart(current) {
  loading('Khởi tạo hồ sơ');
  const workflows = await listWorkflows();
  if (!current()) return;
  loaded();
  const startable = workflows.filter((w) => mayStart(state.me, w));

  const alert = formAlert();
  const wfId = uniqueId('quy-trinh');
  const unitId = uniqueId('don-vi');
  const keyId = uniqueId('so-hieu');
  const keyHelp = uniqueId('goi-y-so-hieu');
  const varsId = uniqueId('bien');
  const varsHelp = uniqueId('goi-y-bien');

  const wfSelect = h('select', { id: wfId, name: 'workflow', required: true },
    h('option', { value: '' }, '— Chọn quy trình —'),
    startable.map((w) => h('option', { value: w.name },
      w.title && w.title !== w.name ? `${w.title} (${w.name})` : w.name)));
  const required = requiredFields();
  wfSelect.addEventListener('change', () => {
    required.show(startable.find((w) => w.name === wfSelect.value));
  });

  const units = new Map();
  for (const r of state.me?.roles ?? []) {
    if (r.unit && !units.has(r.unit)) units.set(r.unit, r.unit_name || r.unit);
  }
  let unitControl;
  if (units.size > 0) {
    unitControl = h('select', { id: unitId, name: 'unit', required: true },
      [...units].map(([code, name]) => h('option', { value: code }, `${name} (${code})`)));
  } else {
    unitControl = h('input', { id: unitId, name: 'unit', type: 'text', required: true, spellcheck: 'false' });
  }
  const keyInput = h('input', {
    id: keyId, name: 'business_key', type: 'text', maxlength: 256,
    'aria-describedby': keyHelp, spellcheck: 'false',
  });
  const varsInput = h('textarea', {
    id: varsId, name: 'variables', rows: 8, class: 'ma-nguon', spellcheck: 'false',
    'aria-describedby': varsHelp,
  });
  varsInput.value = '{}';
  const submit = h('button', { type: 'submit', class: 'nut' }, 'Khởi tạo');

  const form = h('form', { class: 'bieu-mau', novalidate: true },
    h('div', { class: 'truong' }, h('label', { for: wfId }, 'Quy trình'), wfSelect),
    h('div', { class: 'truong' }, h('label', { for: unitId }, 'Thuộc đơn vị'), unitControl),
    h('div', { class: 'truong' },
      h('label', { for: keyId }, 'Số hiệu hồ sơ (không bắt buộc)'), keyInput,
      h('p', { id: keyHelp, class: 'goi-y' }, 'Ví dụ: KH-2026-DAI-SON.')),
    required.fields,
    h('div', { class: 'truong' },
      h('label', { for: varsId }, 'Thông tin khác (JSON)'), varsInput,
      h('p', { id: varsHelp, class: 'goi-y' },
        'Thông tin quy trình cần thêm, nếu có: một đối tượng JSON, ví dụ: ' +
        '{"ghi_chu": "Theo Kế hoạch số 05/KH-BCĐ"}. Các ô phía trên được ưu tiên.')),
    alert,
    h('div', { class: 'nut-bam' }, submit));

  const keys = new WriteKeys();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hideAlert(alert);
    for (const c of [wfSelect, unitControl, varsInput]) c.removeAttribute('aria-invalid');
    const fail = (control, message) => {
      control.setAttribute('aria-invalid', 'true');
      showAlert(alert, message);
      control.focus();
    };
    if (!wfSelect.value) return fail(wfSelect, 'Vui lòng chọn quy trình.');
    const unit = unitControl.value.trim();
    if (!unit) return fail(unitControl, 'Vui lòng chọn đơn vị.');
    let variables;
    const text = varsInput.value.trim();
    try {
      variables = text === '' ? {} : JSON.parse(text);
    } catch {
      return fail(varsInput,
        'Thông tin khởi tạo không đúng định dạng JSON. Kiểm tra lại dấu ngoặc nhọn, dấu phẩy và dấu nháy kép quanh tên trường và chuỗi.');
    }
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      return fail(varsInput, 'Thông tin khởi tạo phải là một đối tượng JSON, đặt trong dấu ngoặc nhọn { }.');
    }
    const filled = required.values();
    if (filled.problem) return fail(filled.input.control, filled.problem);
    Object.assign(variables, filled.values);
    const request = {
      workflow: wfSelect.value,
      unit,
      variables,
      business_key: keyInput.value.trim(),
      view: 'INSTANCE_VIEW_BASIC',
    };
    request.idempotency_key = keys.keyFor(request);
    submit.disabled = true;
    try {
      const answer = await call(WORKFLOW, 'StartInstance', request);
      keys.settled(null);
      state.inbox = null;
      const id = answer.instance?.id;
      showNotice(`Đã khởi tạo hồ sơ ${id}.`);
      // The notice stays through the page change.
      keepNoticeOnce = true;
      go(`#/ho-so/${encodeURIComponent(id)}`);
    } catch (err) {
      keys.settled(err);
      if (err instanceof SessionEnded) return;
      showAlert(alert, err);
    } finally {
      submit.disabled = false;
    }
  });

  setPage('Khởi tạo hồ sơ', form);
  focusHeading();
}

// Whether `me` holds a role the workflow's `started_by` names (the unit
// relation is the engine's to check): the workflows worth offering.
function mayStart(me, workflow) {
  if (me?.admin) return true;
  const rules = workflow.started_by ?? [];
  if (rules.length === 0) return true;
  const roles = new Set((me?.roles ?? []).map((r) => r.role));
  return rules.some((r) => r.role === '*' || roles.has(r.role));
}

// One box per start variable the chosen workflow requires, then one per
// start variable it takes when given, fitting each field's kind (fields.js).
function requiredFields() {
  const holder = h('div', { class: 'truong-bat-buoc' });
  let inputs = [];
  return {
    fields: holder,
    show(workflow) {
      const specs = fieldSpecs(workflow);
      inputs = boxesFor(workflow, specs, { guessNumbers: true, idPrefix: 'bien' });
      holder.replaceChildren(...inputs.map((i) => i.wrap));
    },
    // The boxes filled in (an empty one is left for the engine to name),
    // or the first that holds what its kind cannot take.
    values() {
      return collectValues(inputs);
    },
  };
}

// --- Start-up -----------------------------------------------------------

window.addEventListener('hashchange', () => {
  const keepNotice = keepNoticeOnce;
  keepNoticeOnce = false;
  route({ keepNotice });
});

el.signOut.addEventListener('click', doSignOut);
el.skip.addEventListener('click', (event) => {
  event.preventDefault();
  el.main.focus();
});

async function start() {
  // An address with an in-page anchor only: the default page.
  if (location.hash && !location.hash.startsWith('#/')) history.replaceState(null, '', '#/hop-thu');
  try {
    state.me = await whoAmI();
  } catch (err) {
    state.me = null;
    if (!(err instanceof ApiError && err.status === 401)) {
      // The gateway could not be reached: say so on the sign-in page.
      renderHeader();
      if (!location.hash.startsWith('#/dang-nhap')) {
        state.wantedHash = location.hash;
        history.replaceState(null, '', '#/dang-nhap');
      }
      renderSignIn(err.message);
      return;
    }
  }
  await route();
}

start();
