// Calls to wf_console, the gateway this console is served by (same origin).
// Every call carries X-WF-Console: 1 (the gateway refuses an RPC without it)
// and the session cookie; errors come back as ApiError with the gateway's
// Vietnamese message.

const MESSAGES_BY_STATUS = {
  400: 'Yêu cầu không hợp lệ.',
  401: 'Phiên làm việc đã hết hạn hoặc mã truy cập không đúng. Vui lòng đăng nhập lại.',
  403: 'Bạn không có quyền thực hiện việc này.',
  404: 'Không tìm thấy.',
  409: 'Dữ liệu đã thay đổi. Vui lòng tải lại trang và thử lại.',
  413: 'Dữ liệu gửi lên vượt quá dung lượng cho phép.',
  429: 'Hệ thống đang bận. Vui lòng thử lại sau ít phút.',
  500: 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
  502: 'Máy chủ tạm thời không trả lời. Vui lòng thử lại sau.',
  503: 'Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau.',
  504: 'Máy chủ không trả lời kịp. Vui lòng thử lại.',
};

export class ApiError extends Error {
  constructor({ status = 0, ma = '', ly_do = '', thong_bao = '', chi_tiet = '' } = {}) {
    const text = thong_bao || chi_tiet || MESSAGES_BY_STATUS[status] ||
      (status ? `Lỗi không xác định (HTTP ${status}).` : 'Lỗi không xác định.');
    super(text);
    this.name = 'ApiError';
    this.status = status;
    this.ma = ma;
    this.ly_do = ly_do;
    this.thong_bao = thong_bao;
    this.chi_tiet = chi_tiet;
  }

  // A write that ended like this may or may not have been done: send it
  // again with the same idempotency key.
  get outcomeUnknown() {
    return [0, 502, 503, 504].includes(this.status) ||
      this.ma === 'UNAVAILABLE' || this.ma === 'DEADLINE_EXCEEDED';
  }
}

function networkError(err) {
  return new ApiError({
    status: 0,
    ma: 'UNAVAILABLE',
    thong_bao: 'Không kết nối được tới máy chủ. Kiểm tra kết nối mạng rồi thử lại.',
    chi_tiet: String(err?.message ?? err),
  });
}

// The answer's JSON, or an ApiError with the gateway's error body.
async function readAnswer(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  let parsed = false;
  if (text) {
    try {
      data = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (response.ok) {
    if (text && !parsed) {
      throw new ApiError({
        status: response.status, ma: 'INTERNAL',
        thong_bao: 'Máy chủ trả lời không đúng định dạng.', chi_tiet: text.slice(0, 200),
      });
    }
    return data ?? {};
  }
  const e = parsed && data && typeof data === 'object' ? data : {};
  throw new ApiError({
    status: response.status,
    ma: String(e.ma ?? ''),
    ly_do: String(e.ly_do ?? ''),
    thong_bao: String(e.thong_bao ?? ''),
    chi_tiet: String(e.chi_tiet ?? (parsed ? '' : text.slice(0, 200))),
  });
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (err) {
    throw networkError(err);
  }
  return readAnswer(response);
}

function request(method, path, body) {
  const headers = { 'X-WF-Console': '1', Accept: 'application/json' };
  if (body === undefined) return send(path, { method, headers });
  headers['Content-Type'] = 'application/json; charset=utf-8';
  return send(path, { method, headers, body: JSON.stringify(body) });
}

export const whoAmI = () => request('GET', '/api/toi');
// { ten_dang_nhap, mat_khau } or { ma_truy_cap }: WhoAmI's answer, with
// doi_mat_khau when the password was set by an administrator.
export const signIn = (credentials) => request('POST', '/api/dang-nhap', credentials);
export const signOut = () => request('POST', '/api/dang-xuat');

// rpc('wf.v1.WorkflowService', 'GetInbox', { page_size: 50 })
export function rpc(service, method, message = {}) {
  return request('POST', `/api/rpc/${service}/${method}`, message);
}

export const WORKFLOW = 'wf.v1.WorkflowService';
export const FILES = 'wf.v1.FileService';
export const DOCUMENTS = 'wf.v1.DocumentService';
export const SESSIONS = 'wf.v1.SessionService';

// The document laid out as NĐ 30 prints it, a page of its own (served
// sandboxed): for a link that opens it in a new tab.
export function documentPageUrl(instanceId) {
  return `/api/van-ban?${new URLSearchParams({ ho_so: instanceId })}`;
}

// A file of a document: GET it to download (a plain link does, the cookie
// goes with it). `version` 0 or absent: the latest.
export function fileUrl(instanceId, slot, version) {
  const q = new URLSearchParams({ ho_so: instanceId, ngan: slot });
  if (version) q.set('phien_ban', String(version));
  return `/api/tep?${q}`;
}

// The file at `url` (fileUrl) as a Blob; a refusal as an ApiError, in the
// engine's words, as for any call.
export async function fetchFile(url) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw networkError(err);
  }
  if (!response.ok) return readAnswer(response);  // throws
  return response.blob();
}

// Attaches `file` (a File or Blob, sent as it is) to the document's slot
// under `name`: the UploadFileResponse ({ file, instance_version, ... }).
export function uploadFile({ instanceId, slot, name, file, idempotencyKey }) {
  const q = new URLSearchParams({ ho_so: instanceId, ngan: slot, ten: name });
  const headers = {
    'X-WF-Console': '1', Accept: 'application/json', 'Content-Type': 'application/octet-stream',
  };
  if (idempotencyKey) headers['X-WF-Idempotency-Key'] = idempotencyKey;
  return send(`/api/tep?${q}`, { method: 'POST', headers, body: file });
}

// A key for a write (FireEvent, StartInstance, an upload). crypto.randomUUID needs a
// secure context; a console served over plain HTTP on an office network is
// not one, so build a version 4 UUID from getRandomValues there.
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      // fall through
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Keeps one idempotency key per write a person is trying to make: a new
// key for a new request, the same key again when the last attempt of the
// very same request ended with an unknown outcome (network lost, timeout).
export class WriteKeys {
  constructor() {
    this.last = null;
  }

  keyFor(requestWithoutKey) {
    const fingerprint = JSON.stringify(requestWithoutKey);
    if (this.last && this.last.fingerprint === fingerprint && this.last.unknown) {
      return this.last.key;
    }
    this.last = { fingerprint, key: newIdempotencyKey(), unknown: false };
    return this.last.key;
  }

  settled(err) {
    if (this.last) this.last.unknown = Boolean(err instanceof ApiError && err.outcomeUnknown);
  }
}
