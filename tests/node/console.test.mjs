// The web console (console/, served by wf_console) in a real browser: a
// real wf_server with the test workflow tests/testdata/nop_ke_hoach.lua, the
// gateway in front of it, and Debian's Chromium driven by playwright-core.
// The officer of Xã Đại Sơn submits a plan over gRPC; the chairman signs in
// to the console, finds it in his inbox, reads it, is refused a step that
// needs a reason he did not give, approves it, and signs out. The officer
// attaches files to a draft of his and downloads them (/api/tep); the
// chairman, who takes no step on the draft, is refused an upload. A plan of
// the BCĐ 138 (ke_hoach_bcd.lua) shows its document, numbered once issued,
// opens as its NĐ 30 page (/api/van-ban) and shows its communes' progress;
// Đại Sơn's officer acknowledges it, and confirms a recall, under "Văn bản
// đến"; a campaign of 3,321 communes stays one readable page.
//
// Needs /usr/bin/chromium (apt-get install chromium) and wf_console built
// (${WF_BUILD}/engine/console/wf_console). Playwright never downloads a
// browser here: it drives the one Debian installs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { client as connect, importTestOrg, wf } from './api.mjs';
import { build, repo, startServer } from './server.mjs';
import { fromStruct, toDate, toStruct } from './values.mjs';

const CHROMIUM = process.env.WF_CHROMIUM ?? '/usr/bin/chromium';

let server;
let gateway;
let browser;
const tokens = {};
const plan = {};  // the officer's plan: id, due (the deadline), created_at

const client = (Service, token) => connect(Service, server.address, token);

// wf_console in front of the server, on a port it chooses and writes down.
async function startConsole(serverAddress) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf_console_'));
  const portFile = path.join(dir, 'port');
  const binary = path.join(build, 'engine', 'console', 'wf_console');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is not built (cmake --build build --target wf_console)`);
  const proc = spawn(binary, [
    '--listen=127.0.0.1:0', `--port_file=${portFile}`, `--server=${serverAddress}`,
    `--static_dir=${path.join(repo, 'console')}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  let exited = false;
  proc.once('exit', () => { exited = true; });
  const ready = () => fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim() !== '';
  for (let i = 0; i < 300 && !ready() && !exited; i++) await sleep(100);
  if (!ready()) {
    proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`wf_console did not start: ${log}`);
  }
  const port = fs.readFileSync(portFile, 'utf8').trim();
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Dates as an official in Vietnam reads them, whatever the zone of the
// machine or of the browser.
function vnParts(date) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(date)) parts[p.type] = p.value;
  return parts;
}
const vnLongDate = (d) => { const p = vnParts(d); return `ngày ${p.day} tháng ${p.month} năm ${p.year}`; };

before(async () => {
  server = await startServer();
  const admin = client(wf.AdminService, server.adminToken);
  await importTestOrg(admin);
  for (const person of ['can-bo.dai-son', 'chu-tich.dai-son', 'chuyen-vien.tham-muu']) {
    tokens[person] = (await admin.IssueToken({ person, note: 'console test' })).token;
  }

  // The officer starts the plan and submits it to the chairman, over gRPC.
  // Its deadline (10/02/2026) has passed: the timers mark it late at once.
  const officer = client(wf.WorkflowService, tokens['can-bo.dai-son']);
  const started = await officer.StartInstance({
    workflow: 'nop_ke_hoach', unit: '07627', business_key: 'KH-2026-DAI-SON',
    variables: toStruct({
      don_vi: 'UBND xã Đại Sơn', han_nop: '2026-02-10', nam: 2026,
      // Shown as text, never as markup.
      ghi_chu: '<img src=x onerror="window.__xss=1"><b>không in đậm</b>',
    }),
    idempotency_key: 'console-test-start',
  });
  plan.id = started.instance.id;
  plan.created_at = toDate(started.instance.created_at);
  await officer.FireEvent({
    instance_id: plan.id, event: 'trinh_duyet',
    payload: toStruct({ trich_yeu: 'Kế hoạch thực hiện năm 2026 của xã Đại Sơn' }),
    idempotency_key: 'console-test-trinh',
  });
  // Let the deadline's timers (reminder, late) fire before the chairman
  // reads the plan, so that its version stays put while he works on it.
  for (let i = 0; i < 100; i++) {
    const { events } = await officer.GetHistory({ instance_id: plan.id });
    if (events.some((e) => e.event === 'qua_han')) break;
    await sleep(100);
  }
  const chairman = client(wf.WorkflowService, tokens['chu-tich.dai-son']);
  const inbox = await chairman.GetInbox({});
  const item = inbox.items.find((i) => i.instance.id === plan.id);
  assert.ok(item, `the plan is in the chairman's inbox: ${JSON.stringify(inbox)}`);
  plan.due = item.due ? toDate(item.due) : null;
  plan.state_title = item.instance.state_title;

  gateway = await startConsole(server.address);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close().catch(() => {});
  await gateway?.stop().catch(() => {});
  await server?.stop().catch(() => {});
});

test('the gateway refuses an RPC without its header or without a session', async () => {
  const url = `${gateway.url}/api/rpc/wf.v1.WorkflowService/GetInbox`;
  const body = JSON.stringify({ page_size: 50 });
  const headers = { 'content-type': 'application/json' };

  const noHeader = await fetch(url, { method: 'POST', headers, body });
  assert.equal(noHeader.status, 403);
  const noSession = await fetch(url, { method: 'POST', headers: { ...headers, 'X-WF-Console': '1' }, body });
  assert.equal(noSession.status, 401);
  const refusal = await noSession.json();
  assert.equal(refusal.ma, 'UNAUTHENTICATED');
  assert.equal(typeof refusal.thong_bao, 'string');
  assert.equal((await fetch(`${gateway.url}/api/toi`)).status, 401);

  // The pages themselves need no session.
  const page = await fetch(`${gateway.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(await page.text(), /<script type="module" src="app\.js">/);
  const script = await fetch(`${gateway.url}/app.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type'), /javascript/);
});

test('the chairman approves the plan in the console', async () => {
  // The browser runs in another zone: the console still shows Vietnam's dates.
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('request', (req) => {
    if (!req.url().startsWith(gateway.url)) problems.push(`external request: ${req.url()}`);
  });
  page.setDefaultTimeout(10_000);

  await withPage(context, page, async () => {
    // Not signed in: the sign-in page, whatever the address asked.
    await page.goto(`${gateway.url}/#/hop-thu`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    assert.match(page.url(), /#\/dang-nhap$/);
    await page.getByRole('button', { name: 'Đăng nhập bằng mã truy cập' }).click();
    const codeField = page.getByLabel('Mã truy cập');
    assert.equal(await codeField.getAttribute('type'), 'password');

    // A wrong code: the gateway's Vietnamese message in the alert box.
    await codeField.fill('wft_khong_phai_ma_that');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const wrong = (await alert.innerText()).trim();
    assert.ok(wrong.length > 0, 'an error message');
    assert.match(wrong, /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i,
      `a Vietnamese message: ${wrong}`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    // The chairman's own code: his inbox, with the plan in it.
    await codeField.fill(tokens['chu-tich.dai-son']);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    const header = page.locator('header');
    await header.getByText('Trần Thị Bình').waitFor();
    assert.match(await header.innerText(), /Chủ tịch — Xã Đại Sơn/);

    const inboxRow = page.locator('#bang-hop-thu tbody tr')
      .filter({ has: page.locator(`a[href="#/ho-so/${plan.id}"]`) });
    await inboxRow.waitFor();
    const cells = (await inboxRow.locator('td').allInnerTexts()).map((t) => t.trim());
    assert.equal(cells.length, 6, cells.join(' | '));
    // No trích yếu document: the state's title, and the số hiệu beneath.
    assert.equal((await inboxRow.getByRole('link').innerText()).trim(), plan.state_title);
    assert.match(cells[0], /KH-2026-DAI-SON/);
    assert.match(cells[1], /Nộp kế hoạch thực hiện của đơn vị/);
    assert.equal(cells[2], 'Chờ lãnh đạo đơn vị phê duyệt');
    assert.equal(cells[3], 'Xã Đại Sơn');
    // The deadline ends at 24:00 on 10/02/2026 (00:00 on the 11th, Vietnam
    // time): the day the plan's han_nop says. It has passed.
    assert.equal(plan.due?.toISOString(), '2026-02-10T17:00:00.000Z');
    assert.match(cells[4], /^10\/02\/2026\s+Quá hạn$/);
    assert.match(cells[5], /Lãnh đạo phê duyệt và gửi Cơ quan Thường trực/);
    assert.match(cells[5], /Lãnh đạo yêu cầu sửa/);

    // The plan: its facts, variables (as text) and history.
    await inboxRow.getByRole('link').click();
    await page.waitForURL(`**/#/ho-so/${plan.id}`);
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
    const main = page.locator('main');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Chờ lãnh đạo đơn vị phê duyệt');
    const mainText = await main.innerText();
    assert.ok(mainText.includes(vnLongDate(plan.created_at)), `created ${vnLongDate(plan.created_at)}`);
    assert.ok(mainText.includes('Xã Đại Sơn'));
    assert.ok(mainText.includes('KH-2026-DAI-SON'));

    const variables = page.locator('#bang-bien tbody tr');
    const valueOf = async (name) => (await variables.filter({ hasText: name }).locator('td').nth(1).innerText()).trim();
    assert.equal(await valueOf('don_vi'), 'UBND xã Đại Sơn');
    assert.equal(await valueOf('trich_yeu'), 'Kế hoạch thực hiện năm 2026 của xã Đại Sơn');
    assert.equal(await valueOf('ghi_chu'), '<img src=x onerror="window.__xss=1"><b>không in đậm</b>');
    assert.equal(await main.locator('#bang-bien img, #bang-bien b').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    const historyRows = page.locator('#bang-lich-su tbody tr');
    const history = async () => (await historyRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    let rows = await history();
    assert.match(rows[0], /^1 .*Khởi tạo hồ sơ/);
    assert.match(rows[0], /Nguyễn Văn An/);
    const submitted = rows.find((r) => r.includes('Trình lãnh đạo đơn vị phê duyệt'));
    assert.ok(submitted, rows.join('\n'));
    assert.match(submitted, /Đơn vị đang dự thảo kế hoạch → Chờ lãnh đạo đơn vị phê duyệt/);
    assert.match(submitted, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    assert.ok(rows.some((r) => r.includes('Quá hạn nộp kế hoạch: đôn đốc')), rows.join('\n'));

    // "Lãnh đạo yêu cầu sửa" needs a reason: without one the engine refuses,
    // the refusal is shown and the form stays.
    const actions = page.getByRole('region', { name: 'Việc cần làm' });
    await actions.getByRole('button', { name: 'Lãnh đạo yêu cầu sửa' }).click();
    const reason = actions.getByLabel('Lý do');
    await reason.waitFor();
    assert.equal(await reason.evaluate((e) => e.tagName), 'TEXTAREA');
    await actions.getByRole('button', { name: 'Xác nhận' }).click();
    const refused = actions.getByRole('alert');
    await refused.waitFor();
    // The gateway's message, then the console's own line naming the field.
    const [said, hint] = (await refused.locator(':scope > p').allInnerTexts()).map((t) => t.trim());
    assert.ok(said, 'the refusal is shown');
    assert.equal(hint, 'Vui lòng nhập: Lý do.');
    assert.equal(await reason.getAttribute('aria-invalid'), 'true');
    await reason.waitFor();  // the form is kept
    const chairman = client(wf.WorkflowService, tokens['chu-tich.dai-son']);
    assert.equal((await chairman.GetInstance({ instance_id: plan.id })).state, 'cho_duyet');

    // He approves it: the notice names the step and the new state.
    await actions.getByRole('button', { name: 'Lãnh đạo phê duyệt và gửi Cơ quan Thường trực' }).click();
    await actions.getByRole('button', { name: 'Xác nhận' }).click();
    const notice = page.getByRole('status');
    await notice.filter({ hasText: 'Đã thực hiện' }).waitFor();
    assert.equal((await notice.innerText()).trim(),
      'Đã thực hiện: Lãnh đạo phê duyệt và gửi Cơ quan Thường trực. ' +
      'Trạng thái mới: Đã gửi Cơ quan Thường trực');
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
    await page.locator('#bang-lich-su tbody tr', { hasText: 'Trần Thị Bình' }).waitFor();
    assert.match(await main.innerText(), /Đã gửi Cơ quan Thường trực/);
    await actions.getByText('Bạn không có việc cần làm với hồ sơ này.').waitFor();
    rows = await history();
    assert.match(rows.at(-1), /Lãnh đạo phê duyệt và gửi Cơ quan Thường trực/);
    assert.match(rows.at(-1), /Chờ lãnh đạo đơn vị phê duyệt → Đã gửi Cơ quan Thường trực/);
    const stored = await chairman.GetInstance({ instance_id: plan.id });
    assert.equal(stored.state, 'da_gui');
    assert.equal(fromStruct(stored.variables).nguoi_duyet, 'chu-tich.dai-son');

    // The plan has left his inbox.
    await page.getByRole('navigation').getByRole('link', { name: 'Hộp thư' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    await page.getByText('Không có hồ sơ nào cần xử lý.').waitFor();
    assert.equal(await page.locator(`a[href="#/ho-so/${plan.id}"]`).count(), 0);

    // A reload keeps him signed in.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    await header.getByText('Trần Thị Bình').waitFor();

    // Signing out: the sign-in page, and the session is gone.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    assert.match(page.url(), /#\/dang-nhap$/);
    assert.equal(await header.getByText('Trần Thị Bình').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/toi')).status);
    assert.equal(status, 401);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });
});

test('the officer starts a plan from the console', async () => {
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await withPage(context, page, async () => {
    await page.goto(`${gateway.url}/#/khoi-tao`);
    await page.getByRole('button', { name: 'Đăng nhập bằng mã truy cập' }).click();
    await page.getByLabel('Mã truy cập').fill(tokens['can-bo.dai-son']);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    // Back where the address pointed.
    await page.getByRole('heading', { level: 1, name: 'Khởi tạo hồ sơ' }).waitFor();
    await page.getByLabel('Quy trình').selectOption('nop_ke_hoach');
    assert.match(await page.getByLabel('Thuộc đơn vị').locator('option:checked').innerText(), /Xã Đại Sơn/);
    await page.getByLabel('Số hiệu hồ sơ (không bắt buộc)').fill('KH-2026-DAI-SON-LAN-2');

    // JSON that does not parse is caught before anything is sent.
    const vars = page.getByLabel('Thông tin khác (JSON)');
    await vars.fill('{"ghi_chu": "Lần 2",}');
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /không đúng định dạng JSON/);
    assert.equal(await vars.getAttribute('aria-invalid'), 'true');
    await vars.fill(JSON.stringify({ ghi_chu: 'Lần 2' }));

    // One box per start variable the workflow requires; one left empty is
    // named by the engine's refusal.
    await page.getByLabel('Đơn vị (bắt buộc)').fill('UBND xã Đại Sơn');
    await page.getByLabel('Hạn nộp (bắt buộc)').fill('2027-02-10');
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    // Named by the title the workflow gives it.
    await alert.filter({ hasText: '«Năm»' }).waitFor();
    await page.getByLabel('Năm (bắt buộc)').fill('2027');
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    await page.waitForURL(/#\/ho-so\/wi-\d{12}$/);
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
    assert.match(await page.getByRole('status').innerText(), /Đã khởi tạo hồ sơ wi-\d{12}/);
    assert.match(await page.locator('main').innerText(), /Đơn vị đang dự thảo kế hoạch/);
    assert.match(await page.locator('main').innerText(), /KH-2026-DAI-SON-LAN-2/);
    const id = decodeURIComponent(page.url().split('#/ho-so/')[1]);
    const officer = client(wf.WorkflowService, tokens['can-bo.dai-son']);
    const stored = await officer.GetInstance({ instance_id: id });
    assert.equal(stored.business_key, 'KH-2026-DAI-SON-LAN-2');
    assert.equal(fromStruct(stored.variables).nam, 2027);  // an integer field
    assert.equal(fromStruct(stored.variables).han_nop, '2027-02-10');  // a date picker
    assert.equal(fromStruct(stored.variables).ghi_chu, 'Lần 2');
    // The officer's next step is offered.
    await page.getByRole('region', { name: 'Việc cần làm' })
      .getByRole('button', { name: 'Trình lãnh đạo đơn vị phê duyệt' }).waitFor();
  });
});

test('the forms fit the kinds of the fields the workflow names', async () => {
  // tests/testdata/chi_tra.lua: an integer and a date to start; a reason, a
  // list of communes and a yes/no to approve.
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await withPage(context, page, async () => {
    await signInAt(page, '#/khoi-tao', 'can-bo.dai-son');
    await page.getByRole('heading', { level: 1, name: 'Khởi tạo hồ sơ' }).waitFor();
    await page.getByLabel('Quy trình').selectOption('chi_tra');
    const amount = page.getByLabel('Số tiền (đồng) (bắt buộc)');
    assert.equal(await amount.getAttribute('type'), 'number');
    const due = page.getByLabel('Hạn chi trả (bắt buộc)');
    assert.equal(await due.getAttribute('type'), 'date');
    await amount.fill('5000000');
    await due.fill('2027-03-31');
    // A start variable the workflow takes when given (`optional`): offered,
    // not marked required.
    const rate = page.getByLabel('Tỷ lệ', { exact: true });
    assert.equal(await rate.getAttribute('type'), 'number');
    await rate.fill('0.5');
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    await page.waitForURL(/#\/ho-so\/wi-\d{12}$/);
    const id = decodeURIComponent(page.url().split('#/ho-so/')[1]);

    await page.getByRole('region', { name: 'Việc cần làm' })
      .getByRole('button', { name: 'Duyệt chi' }).click();
    const form = page.getByRole('form', { name: 'Duyệt chi' });
    const communes = form.getByLabel('Các xã (bắt buộc)');
    assert.equal(await communes.evaluate((e) => e.tagName), 'TEXTAREA');
    assert.match(await form.innerText(), /Mỗi dòng một mục\./);
    await form.getByLabel('Lý do (bắt buộc)').fill('Đủ chứng từ');
    // The step's optional note, which `fields` does not describe: text.
    await form.getByLabel('Ghi chú', { exact: true }).fill('Chuyển khoản');
    await communes.fill('07627\n\n  07616  \n');
    // A yes/no left unchosen is named by the engine, by its title.
    await form.getByRole('button', { name: 'Xác nhận' }).click();
    await form.getByRole('alert').filter({ hasText: '«Khẩn»' }).waitFor();
    await form.getByLabel('Khẩn (bắt buộc)').selectOption({ label: 'Có' });
    await form.getByRole('button', { name: 'Xác nhận' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thực hiện: Duyệt chi' }).waitFor();

    const flow = client(wf.WorkflowService, tokens['can-bo.dai-son']);
    const vars = fromStruct((await flow.GetInstance({ instance_id: id })).variables);
    assert.equal(vars.so_tien, 5000000);
    assert.equal(vars.han, '2027-03-31');
    assert.deepEqual(vars.xa, ['07627', '07616']);  // one per line, blanks dropped
    assert.equal(vars.khan, true);
    assert.equal(vars.ly_do, 'Đủ chứng từ');
    assert.equal(vars.ty_le, 0.5);
    assert.equal(vars.ghi_chu, 'Chuyển khoản');
    // The variables are shown under the workflow's titles, once the page
    // is read again.
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
    const rows = (await page.locator('#bang-bien tbody tr').allInnerTexts()).join('\n');
    assert.match(rows, /Số tiền \(đồng\)/);
    assert.match(rows, /Các xã/);
  });
});

test('an official finds documents by workflow, state, unit and số hiệu, and opens one by its id', async () => {
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.setDefaultTimeout(10_000);
  await withPage(context, page, async () => {
    await signInAt(page, '#/tra-cuu', 'can-bo.dai-son');
    await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
    // Their own commune by default, and its documents listed.
    assert.match(await page.getByLabel('Đơn vị', { exact: true }).locator('option:checked').innerText(),
      /Xã Đại Sơn/);
    const results = page.locator('#bang-tra-cuu');
    await results.locator(`a[href="#/ho-so/${plan.id}"]`).waitFor();

    // By số hiệu: the one plan, kept in the address.
    const key = page.getByLabel('Số hiệu hoặc mã hồ sơ');
    await key.fill('KH-2026-DAI-SON');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/#\/tra-cuu\?.*so_hieu=KH-2026-DAI-SON/);
    await results.locator(`a[href="#/ho-so/${plan.id}"]`).waitFor();
    assert.equal(await results.locator('tbody tr').count(), 1);

    // A state must belong to a workflow; the plan left "du_thao" long ago.
    const states = page.getByLabel('Trạng thái');
    assert.equal(await states.isDisabled(), true);
    await page.getByLabel('Quy trình').selectOption('nop_ke_hoach');
    await states.selectOption('du_thao');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(/trang_thai=du_thao/);
    await page.getByText('Không tìm thấy hồ sơ nào.').waitFor();
    // Back returns to the search before, form and results.
    await page.goBack();
    await results.locator(`a[href="#/ho-so/${plan.id}"]`).waitFor();
    assert.equal(await key.inputValue(), 'KH-2026-DAI-SON');

    // A document's id opens it.
    await key.fill(plan.id);
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.waitForURL(new RegExp(`#/ho-so/${plan.id}$`));
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
  });
  assert.deepEqual(problems, []);
});

test('an official signs in with the password an administrator set, and chooses their own', async () => {
  const admin = client(wf.AdminService, server.adminToken);
  await admin.SetPassword({ person: 'chu-tich.dai-son', password: 'Đại Sơn 2026', must_change: true });
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const signIn = async (password) => {
    await page.getByLabel('Tên đăng nhập').fill('chu-tich.dai-son');
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  };
  await withPage(context, page, async () => {
    await page.goto(`${gateway.url}/#/hop-thu`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    assert.equal(await page.getByLabel('Mật khẩu', { exact: true }).getAttribute('type'), 'password');
    await signIn('Đại Sơn 2025');
    await page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' }).waitFor();
    // Typed with the diacritics decomposed (as some keyboards send them):
    // the same password.
    await signIn('Đại Sơn 2026'.normalize('NFD'));
    await page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor();
    assert.match(await page.getByRole('status').innerText(), /do quản trị viên đặt/);
    // Nothing else opens before the password is their own, even after a
    // reload (the engine refuses the other calls).
    await page.goto(`${gateway.url}/#/hop-thu`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đổi mật khẩu' }).waitFor();

    await page.getByLabel('Mật khẩu hiện tại').fill('Đại Sơn 2026');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mật khẩu riêng của tôi');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu riêng của toi');
    const change = page.getByRole('button', { name: 'Đổi mật khẩu' });
    await change.click();
    await page.getByRole('alert').filter({ hasText: 'không khớp' }).waitFor();
    await page.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu riêng của tôi');
    await change.click();
    await page.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu' }).waitFor();
    // Then on to the page they asked for.
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await signIn('Đại Sơn 2026');
    await page.getByRole('alert').filter({ hasText: 'không đúng' }).waitFor();
    await signIn('mật khẩu riêng của tôi');
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
  });
});

// A minimal PDF: the engine judges a file's type from its first bytes
// (%PDF-), never from its name.
const minimalPdf = (text) => Buffer.from(
  `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n` +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// Signs `person` in at the console's address `hash` (the page it leads to).
test('the chairman reads under "Thông báo" what steps told his commune and him', async () => {
  const officer = client(wf.WorkflowService, tokens['can-bo.dai-son']);
  const started = await officer.StartInstance({ workflow: 'bao_tin', unit: '07627' });
  const id = started.instance.id;
  await officer.FireEvent({
    instance_id: id, event: 'gui',
    payload: toStruct({ den: '07627', noi_dung: 'Hồ sơ đề nghị khen thưởng không được đề nghị',
      den_2: 'chu-tich.dai-son' }),
  });
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.setDefaultTimeout(10_000);
  const chairman = client(wf.WorkflowService, tokens['chu-tich.dai-son']);
  await withPage(context, page, async () => {
    // New notices are counted beside "Thông báo" on every page.
    await signInAt(page, '#/hop-thu', 'chu-tich.dai-son');
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    const badge = page.locator('#lien-ket-thong-bao .so-moi');
    await badge.waitFor();
    const unread = (await chairman.ListNotices({ page_size: 1 })).unread;
    assert.ok(unread >= 2, `unread ${unread}`);
    assert.equal(await badge.textContent(), `${unread} thông báo mới`);
    await page.getByRole('link', { name: /^Thông báo/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Thông báo' }).waitFor();
    const rows = page.locator('#bang-thong-bao tbody tr');
    await rows.first().waitFor();
    // Shown as new this once; opened, they are seen, and the count goes.
    assert.equal(await page.locator('#bang-thong-bao .nhan--moi').count(), unread);
    await badge.waitFor({ state: 'detached' });
    assert.equal((await chairman.ListNotices({ page_size: 1 })).unread, 0);
    const texts = await rows.allInnerTexts();
    // Newest first; one step sent both, in the order it emitted them.
    const commune = texts.findIndex((t) => t.includes('Hồ sơ đề nghị khen thưởng không được đề nghị'));
    const his = texts.findIndex((t) => t.includes('Lần hai'));
    assert.ok(commune >= 0 && his === commune + 1, texts.join('\n'));
    assert.match(texts[commune], /Thông báo/);
    assert.match(texts[commune], /Xã Đại Sơn/);
    assert.match(texts[commune], /Gửi thông báo/);
    assert.match(texts[his], /Đôn đốc/);
    assert.match(texts[his], /Trần Thị Bình$/);  // sent to him, by name
    await rows.nth(commune).getByRole('link', { name: 'Mở hồ sơ' }).click();
    await page.waitForURL(new RegExp(`#/ho-so/${id}$`));
    assert.equal(await page.locator('#lien-ket-thong-bao').count(), 1);
    await noStrayText(page);
    // One more arrives: counted on the next page opened, and the only new
    // one in the list.
    await officer.FireEvent({
      instance_id: id, event: 'gui',
      payload: toStruct({ den: 'chu-tich.dai-son', noi_dung: 'Nhắc lại lịch họp' }),
    });
    await page.locator('#lien-ket-hop-thu').click();
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    await page.locator('#so-thong-bao-moi').filter({ hasText: /^1 thông báo mới$/ }).waitFor();
    await page.getByRole('link', { name: /^Thông báo/ }).click();
    const fresh = page.locator('#bang-thong-bao tbody tr.dong--moi');
    await fresh.first().waitFor();
    assert.equal(await fresh.count(), 1);
    assert.match(await fresh.innerText(), /Nhắc lại lịch họp/);
  });
  assert.deepEqual(problems, []);
});

async function signInAt(page, hash, person) {
  await page.goto(`${gateway.url}/${hash}`);
  await page.getByRole('button', { name: 'Đăng nhập bằng mã truy cập' }).click();
  await page.getByLabel('Mã truy cập').fill(tokens[person]);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

// Clicks a download link: the file's suggested name and bytes.
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(await file.failure(), null);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

test('the officer attaches files to his plan and downloads them', async () => {
  const officer = client(wf.WorkflowService, tokens['can-bo.dai-son']);
  const officerFiles = client(wf.FileService, tokens['can-bo.dai-son']);
  const { instance } = await officer.StartInstance({
    workflow: 'nop_ke_hoach', unit: '07627', business_key: 'KH-2027-DAI-SON-TEP',
    variables: toStruct({ don_vi: 'UBND xã Đại Sơn', han_nop: '2027-02-10', nam: 2027 }),
    idempotency_key: 'console-test-tep',
  });
  const id = instance.id;
  const NAME = 'Tờ trình số 01.pdf';
  const NAME_2 = 'Tờ trình số 01 (bản sửa).pdf';
  const first = minimalPdf('Tờ trình số 01 — bản đầu');
  const second = minimalPdf('Tờ trình số 01 — bản sửa theo ý kiến lãnh đạo');

  // The endpoint itself: a page elsewhere cannot upload (no X-WF-Console),
  // and nobody does without a session.
  const tepUrl = (params) => `${gateway.url}/api/tep?${new URLSearchParams({ ho_so: id, ...params })}`;
  const octets = { 'content-type': 'application/octet-stream' };
  const upload = tepUrl({ ngan: 'to_trinh', ten: NAME });
  assert.equal((await fetch(upload, { method: 'POST', headers: octets, body: first })).status, 403);
  const noSession = await fetch(upload, { method: 'POST', headers: { ...octets, 'X-WF-Console': '1' }, body: first });
  assert.equal(noSession.status, 401);
  assert.equal((await noSession.json()).ma, 'UNAUTHENTICATED');
  assert.equal((await fetch(tepUrl({ ngan: 'to_trinh' }))).status, 401);

  const context = await browser.newContext({ locale: 'vi-VN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  const uploads = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/tep') uploads.push(req.url());
  });
  await withPage(context, page, async () => {
    await signInAt(page, `#/ho-so/${id}`, 'can-bo.dai-son');
    const files = page.getByRole('region', { name: 'Tệp đính kèm' });
    await files.getByText('Hồ sơ chưa có tệp đính kèm.').waitFor();
    const form = files.getByRole('form', { name: 'Đính kèm tệp' });
    const slot = form.getByLabel('Thành phần hồ sơ', { exact: true });
    const fileInput = form.getByLabel('Tệp', { exact: true });
    const send = form.getByRole('button', { name: 'Tải lên' });
    const alert = form.getByRole('alert');
    assert.deepEqual((await slot.locator('option').allInnerTexts()).map((t) => t.trim()), [
      '— Chọn thành phần hồ sơ —', 'Tờ trình', 'Báo cáo thành tích', 'Biên bản xét khen thưởng', 'Dự thảo',
      'Bản đã ký', 'Kế hoạch', 'Báo cáo', 'Khác…',
    ]);

    // Refused in the browser, nothing sent: no slot, no file, an empty
    // file, one over 64 MiB, a slot name that is none.
    const refusedHere = async (message) => {
      await send.click();
      await alert.filter({ hasText: message }).waitFor();
    };
    await refusedHere('Vui lòng chọn thành phần hồ sơ.');
    assert.equal(await slot.getAttribute('aria-invalid'), 'true');
    await slot.selectOption('to_trinh');
    await refusedHere('Vui lòng chọn tệp cần đính kèm.');
    assert.equal(await fileInput.getAttribute('aria-invalid'), 'true');
    await fileInput.setInputFiles({ name: 'trong.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    await refusedHere('Tệp «trong.pdf» trống (0 byte). Vui lòng chọn tệp khác.');
    await fileInput.evaluate((input) => {
      const big = new DataTransfer();
      big.items.add(new File([new Uint8Array(64 * 1024 * 1024 + 1)], 'qua_lon.pdf', { type: 'application/pdf' }));
      input.files = big.files;
    });
    await refusedHere('vượt quá giới hạn 64 MB cho mỗi tệp');
    await slot.selectOption({ label: 'Khác…' });
    const otherSlot = form.getByLabel('Tên thành phần khác');
    await otherSlot.fill('Tờ Trình');
    await fileInput.setInputFiles({ name: NAME, mimeType: 'application/pdf', buffer: first });
    await refusedHere('Tên thành phần «Tờ Trình» không hợp lệ');
    assert.equal(await otherSlot.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(uploads, []);

    // Version 1, its name given decomposed (as macOS does): kept in NFC.
    await slot.selectOption({ label: 'Tờ trình' });
    assert.equal(await otherSlot.isVisible(), false);
    await fileInput.setInputFiles({ name: NAME.normalize('NFD'), mimeType: 'application/pdf', buffer: first });
    await send.click();
    const notice = page.getByRole('status');
    await notice.filter({ hasText: 'Đã đính kèm' }).waitFor();
    assert.equal((await notice.innerText()).trim(), `Đã đính kèm «${NAME}» vào Tờ trình (phiên bản 1).`);
    const fileRow = files.locator('#bang-tep tbody tr');
    await fileRow.waitFor();
    const cells = async () => (await fileRow.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    let row = await cells();
    assert.equal(row[0], 'Tờ trình to_trinh');
    assert.equal(row[1], NAME);
    assert.equal(row[2], '1');
    assert.equal(row[3], `${first.length} B`);
    assert.match(row[4], /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} — can-bo\.dai-son$/);
    assert.equal(row[5], 'Tải về');
    const history = (await page.locator('#bang-lich-su tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(history.at(-1), /^2 .*Đính kèm tệp/);
    assert.match(history.at(-1), /Đơn vị đang dự thảo kế hoạch \(giữ nguyên\)/);
    assert.ok(history.at(-1).includes(`Tờ trình: ${NAME}`), history.at(-1));
    let stored = (await officerFiles.ListFiles({ instance_id: id })).slots;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].slot, 'to_trinh');
    assert.equal(stored[0].versions[0].name, NAME);
    assert.equal(stored[0].versions[0].media_type, 'application/pdf');

    // Downloaded as uploaded: the same bytes, the name in NFC.
    let got = await download(page, fileRow.getByRole('link', { name: 'Tải về' }));
    assert.equal(got.name, NAME);
    assert.equal(got.name, got.name.normalize('NFC'));
    assert.ok(got.bytes.equals(first), `${got.bytes.length} bytes, expected ${first.length}`);

    // Version 2 into the same slot; version 1 stays downloadable.
    await slot.selectOption('to_trinh');
    await fileInput.setInputFiles({ name: NAME_2, mimeType: 'application/pdf', buffer: second });
    await send.click();
    await notice.filter({ hasText: 'phiên bản 2' }).waitFor();
    assert.equal((await notice.innerText()).trim(), `Đã đính kèm «${NAME_2}» vào Tờ trình (phiên bản 2).`);
    await fileRow.locator('td', { hasText: NAME_2 }).waitFor();
    row = await cells();
    assert.equal(row[1], NAME_2);
    assert.equal(row[2], '2 Các phiên bản trước: phiên bản 1');
    got = await download(page, fileRow.getByRole('link', { name: 'Tải về' }));
    assert.equal(got.name, NAME_2);
    assert.ok(got.bytes.equals(second));
    got = await download(page, fileRow.getByRole('link', { name: 'phiên bản 1' }));
    assert.equal(got.name, NAME);
    assert.ok(got.bytes.equals(first));

    // An executable named .pdf: the engine refuses it, its message shown,
    // the form kept.
    await slot.selectOption('bao_cao');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
    await fileInput.setInputFiles({ name: 'bao_cao.pdf', mimeType: 'application/pdf', buffer: exe });
    await send.click();
    await alert.waitFor();
    assert.match((await alert.locator(':scope > p').first().innerText()).trim(),
      /^Tệp không thuộc định dạng được phép \(PDF, DOCX, XLSX, ODT, JPEG, PNG\)/);
    assert.equal(await fileInput.getAttribute('aria-invalid'), 'true');
    assert.equal(await slot.inputValue(), 'bao_cao');
    assert.equal(uploads.length, 3);
    stored = (await officerFiles.ListFiles({ instance_id: id })).slots;
    assert.deepEqual(stored.map((s) => [s.slot, s.versions.length]), [['to_trinh', 2]]);

    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });

  // The chairman reads the draft and its files, but may not attach to it:
  // he takes no step in "Đơn vị đang dự thảo kế hoạch" and did not start it.
  const chairContext = await browser.newContext({ locale: 'vi-VN', acceptDownloads: true });
  const chair = await chairContext.newPage();
  chair.setDefaultTimeout(10_000);
  await withPage(chairContext, chair, async () => {
    await signInAt(chair, `#/ho-so/${id}`, 'chu-tich.dai-son');
    const files = chair.getByRole('region', { name: 'Tệp đính kèm' });
    const fileRow = files.locator('#bang-tep tbody tr');
    const got = await download(chair, fileRow.getByRole('link', { name: 'Tải về' }));
    assert.ok(got.bytes.equals(second));
    const form = files.getByRole('form', { name: 'Đính kèm tệp' });
    await form.getByLabel('Thành phần hồ sơ', { exact: true }).selectOption('to_trinh');
    await form.getByLabel('Tệp', { exact: true })
      .setInputFiles({ name: 'Tờ trình của chủ tịch.pdf', mimeType: 'application/pdf', buffer: minimalPdf('chủ tịch') });
    await form.getByRole('button', { name: 'Tải lên' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.locator(':scope > p').first().innerText()).trim(),
      'Chỉ người tạo hồ sơ, người đang xử lý hồ sơ hoặc quản trị viên mới được đính kèm tệp.');
    await form.getByRole('button', { name: 'Tải lên' }).waitFor();  // the form is kept
    assert.equal(await chair.getByRole('status').isVisible(), false);
    const stored = (await officerFiles.ListFiles({ instance_id: id })).slots;
    assert.equal(stored[0].versions.length, 2);

    // A download once the session has ended (revoked here): the sign-in
    // page says so, instead of the browser's bare "Failed" download.
    const admin = client(wf.AdminService, server.adminToken);
    const { tokens: all } = await admin.ListTokens({ page_size: 1000 });
    const sessions = all.filter((t) => t.person === 'chu-tich.dai-son' &&
      t.note.startsWith('sign-in') && !t.revoked_at);
    assert.ok(sessions.length >= 1, JSON.stringify(all));
    for (const t of sessions) await admin.RevokeToken({ token_id: t.token_id });
    let downloads = 0;
    chair.on('download', () => { downloads += 1; });
    await fileRow.getByRole('link', { name: 'Tải về' }).click();
    await chair.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    assert.equal(downloads, 0);
  });
});

// --- Documents: Văn bản, Tiến độ thực hiện, Văn bản đến ---------------------
// tests/testdata/ke_hoach_bcd.lua: a plan of the BCĐ 138, drafted in the
// standing agency's Phòng Tham mưu (chuyen-vien.tham-muu), signed ("ky"),
// then issued ("ban_hanh") with the next number of the BCĐ's register to the
// communes of the payload, each of which gets a report (bao_cao_con.lua) to
// send back when the payload says giao_bao_cao.

const ISSUER = 'chuyen-vien.tham-muu';
const DAI_SON = '07627';
const TAY_YEN_TU = '07616';

// Starts a ke_hoach_bcd plan as `person` in `unit` and signs it; with `xa`,
// issues it to those communes. Its id.
async function bcdPlan({ person = ISSUER, unit = 'phong_tham_muu', trichYeu, xa, reports = false }) {
  const flow = client(wf.WorkflowService, tokens[person]);
  const { instance } = await flow.StartInstance({
    workflow: 'ke_hoach_bcd', unit, variables: toStruct({ trich_yeu: trichYeu }),
  });
  await flow.FireEvent({ instance_id: instance.id, event: 'ky' });
  if (xa) {
    await flow.FireEvent({
      instance_id: instance.id, event: 'ban_hanh', payload: toStruct({ xa, giao_bao_cao: reports }),
    });
  }
  return instance.id;
}

const civilDate = (d) => `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
const squash = (t) => t.replace(/\s+/g, ' ').trim();
const vnDateTime = (date) => {
  const p = {};
  for (const part of new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)) p[part.type] = part.value;
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
};

// A fact of the Văn bản section ("Số, ký hiệu"), as text.
async function documentFact(region, name) {
  const item = region.locator('#thong-tin-van-ban > div', { has: region.page().locator(`dt:text-is("${name}")`) });
  return squash(await item.locator('dd').innerText());
}

// The page a "Xem văn bản" link opens in a new tab: its text.
async function openedDocument(context, link) {
  const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  const text = await tab.locator('body').innerText();
  const url = tab.url();
  await tab.close();
  return { url, text };
}

// Runs `body` on `page`; a failure carries what the page and the gateway
// said. Closes `context` after, whatever happened.
async function withPage(context, page, body) {
  try {
    await body();
  } catch (err) {
    err.message += `\n--- page:\n${await page.locator('body').innerText().catch(() => '')}` +
      `\n--- wf_console:\n${gateway.log().slice(-2000)}`;
    throw err;
  } finally {
    await context.close();
  }
}

// No value of the program's own leaked into the page as text.
async function noStrayText(page) {
  assert.doesNotMatch(await page.locator('main').innerText(), /\b(null|undefined|NaN)\b|\[object /);
}

function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  // The refusals a test provokes (a 4xx answer) log "Failed to load resource".
  return () => problems.filter((p) => !/Failed to load resource/.test(p));
}

test('the issuer reads the plan as a document, its number once issued, and the communes\' progress', async () => {
  const TRICH_YEU = 'Kế hoạch triển khai phong trào <b>toàn dân</b> bảo vệ an ninh Tổ quốc năm 2027';
  const id = await bcdPlan({ trichYeu: TRICH_YEU });
  const docs = client(wf.DocumentService, tokens[ISSUER]);
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = watchProblems(page);
  await withPage(context, page, async () => {
    // A document that moves no official document: no such sections.
    await signInAt(page, `#/ho-so/${plan.id}`, ISSUER);
    await page.getByRole('heading', { level: 2, name: 'Lịch sử xử lý' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Văn bản' }).count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Tiến độ thực hiện' }).count(), 0);
    await noStrayText(page);

    // The draft: its trích yếu (as text), no number yet, no progress.
    await page.goto(`${gateway.url}/#/ho-so/${id}`);
    const doc = page.getByRole('region', { name: 'Văn bản' });
    await doc.waitFor();
    assert.equal(await documentFact(doc, 'Loại văn bản'), 'Kế hoạch (KH)');
    assert.equal(await documentFact(doc, 'Trích yếu'), TRICH_YEU);
    assert.equal(await doc.locator('b').count(), 0);
    assert.equal(await documentFact(doc, 'Cơ quan ban hành'), 'BAN CHỈ ĐẠO 138 UBND TỈNH BẮC NINH');
    assert.equal(await documentFact(doc, 'Số, ký hiệu'), 'Chưa ban hành (dự thảo)');
    assert.equal(await doc.getByText('Ngày ban hành', { exact: true }).count(), 0);
    assert.equal(await page.getByRole('region', { name: 'Tiến độ thực hiện' }).count(), 0);
    await noStrayText(page);

    // "Xem văn bản": the NĐ 30 page in a new tab, a draft.
    const link = doc.getByRole('link', { name: 'Xem văn bản' });
    const href = `/api/van-ban?ho_so=${encodeURIComponent(id)}`;
    assert.equal(await link.getAttribute('href'), href);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener');
    const draft = await openedDocument(context, link);
    assert.equal(draft.url, `${gateway.url}${href}`);
    assert.ok(draft.text.includes(TRICH_YEU), draft.text);
    assert.ok(draft.text.includes('DỰ THẢO'), draft.text);

    // Issued to two communes, each given a report; Đại Sơn sends its own.
    await client(wf.WorkflowService, tokens[ISSUER]).FireEvent({
      instance_id: id, event: 'ban_hanh', payload: toStruct({ xa: [DAI_SON, TAY_YEN_TU], giao_bao_cao: true }),
    });
    const { issuance } = await docs.GetDocument({ instance_id: id });
    assert.match(issuance.reference, /^\d{2,}\/KH-BCĐ$/);
    const { instances: reports } = await client(wf.WorkflowService, tokens[ISSUER]).ListInstances({ parent: id });
    const report = Object.fromEntries(reports.map((r) => [r.unit, r.id]));
    await client(wf.WorkflowService, tokens['can-bo.dai-son']).FireEvent({ instance_id: report[DAI_SON], event: 'nop' });

    await page.reload();
    await doc.waitFor();
    assert.equal(await documentFact(doc, 'Số, ký hiệu'), issuance.reference);
    assert.equal(await documentFact(doc, 'Ngày ban hành'), civilDate(issuance.date));
    assert.equal(await documentFact(doc, 'Người ký'), 'Nguyễn Văn Khải KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN');
    assert.equal(squash(await doc.locator('#tom-tat-noi-nhan').innerText()), 'Đã xác nhận đã nhận: 0/2 đơn vị.');
    const lines = (await doc.locator('#bang-noi-nhan tbody tr').allInnerTexts()).map(squash);
    assert.deepEqual(lines, [
      `BCĐ 138 xã ${DAI_SON} để t/hiện Chưa xác nhận`,
      `BCĐ 138 xã ${TAY_YEN_TU} để t/hiện Chưa xác nhận`,
      'Lưu: VT, PV01 —',
    ]);
    // The page the link opens, fetched with the page's cookie: numbered now.
    const rendered = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'), html: await r.text() };
    }, href);
    assert.equal(rendered.status, 200);
    assert.match(rendered.type, /^text\/html/);
    assert.ok(rendered.html.includes(`Số: ${issuance.reference}`));
    assert.ok(rendered.html.includes('Kế hoạch triển khai phong trào &lt;b&gt;toàn dân&lt;/b&gt;'));

    // Progress: the two reports by state; none late.
    const progress = page.getByRole('region', { name: 'Tiến độ thực hiện' });
    assert.equal(squash(await progress.locator('#tong-tien-do').innerText()),
      'Tổng số: 2 hồ sơ của các đơn vị. Đã kết thúc: 1 (50%). Trễ hạn: 0.');
    const counts = (await progress.locator('#bang-tien-do tbody tr').allInnerTexts()).map(squash);
    assert.deepEqual(counts, [
      'Đang làm báo cáo 1 50%', 'Đã nộp Kết thúc 1 50%', 'Trễ hạn Kết thúc 0 0%',
    ]);
    await progress.getByText('Không có đơn vị nào trễ hạn.').waitFor();
    const working = progress.locator('details', { has: page.locator('summary', { hasText: 'Đang làm báo cáo (1)' }) });
    assert.equal(await working.getAttribute('open'), null);
    await working.locator('summary').click();
    const child = working.getByRole('link', { name: 'Xã Tây Yên Tử' });
    assert.equal(await child.getAttribute('href'), `#/ho-so/${report[TAY_YEN_TU]}`);
    const sent = progress.locator('details', { has: page.locator('summary', { hasText: 'Đã nộp (1)' }) });
    await sent.locator('summary').click();
    assert.equal(await sent.getByRole('link', { name: 'Xã Đại Sơn' }).getAttribute('href'), `#/ho-so/${report[DAI_SON]}`);
    await noStrayText(page);
    await child.click();
    await page.waitForURL(`**/#/ho-so/${report[TAY_YEN_TU]}`);
    // The child's page (the plan's own page is gone), linking back to it.
    const parent = page.locator('main dl').getByRole('link', { name: id });
    await parent.waitFor();
    assert.equal(await parent.getAttribute('href'), `#/ho-so/${id}`);
    assert.match(await page.locator('main').innerText(), /Báo cáo của đơn vị \(bao_cao_con/);

    assert.deepEqual(problems(), []);
  });
});

test('a commune\'s officer acknowledges what was sent to Đại Sơn under "Văn bản đến"', async () => {
  const SENT = 'Kế hoạch kiểm tra công tác phòng cháy, chữa cháy năm 2027';
  const RECALLED = 'Kế hoạch tổng kết năm 2026 (ban hành nhầm)';
  const OWN = 'Kế hoạch tuyên truyền của xã Đại Sơn năm 2027';
  const sent = await bcdPlan({ trichYeu: SENT, xa: [DAI_SON] });
  const recalled = await bcdPlan({ trichYeu: RECALLED, xa: [DAI_SON, TAY_YEN_TU] });
  await client(wf.WorkflowService, tokens[ISSUER]).FireEvent({
    instance_id: recalled, event: 'thu_hoi', payload: toStruct({ ly_do: 'Ban hành nhầm đối tượng' }),
  });
  // Issued in Đại Sơn itself: its officer may also open it as a document.
  const own = await bcdPlan({ person: 'can-bo.dai-son', unit: DAI_SON, trichYeu: OWN, xa: [DAI_SON] });
  const issuerDocs = client(wf.DocumentService, tokens[ISSUER]);
  const officerDocs = client(wf.DocumentService, tokens['can-bo.dai-son']);
  const sentDoc = await issuerDocs.GetDocument({ instance_id: sent });
  const recalledDoc = await issuerDocs.GetDocument({ instance_id: recalled });

  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = watchProblems(page);
  await withPage(context, page, async () => {
    await signInAt(page, '#/hop-thu', 'can-bo.dai-son');
    await page.getByRole('heading', { level: 1, name: 'Hộp thư' }).waitFor();
    const nav = page.getByRole('navigation').getByRole('link', { name: 'Văn bản đến' });
    await nav.click();
    await page.getByRole('heading', { level: 1, name: 'Văn bản đến' }).waitFor();
    assert.match(page.url(), /#\/van-ban-den$/);
    assert.equal(await nav.getAttribute('aria-current'), 'page');

    const rowOf = (id) => page.locator(`#bang-van-ban-den tbody tr[data-ho-so="${id}"]`);
    const cells = async (id) => (await rowOf(id).locator('td').allInnerTexts()).map(squash);
    await rowOf(sent).waitFor();
    let row = await cells(sent);
    assert.equal(row.length, 7, row.join(' | '));
    assert.equal(row[0], `${sentDoc.issuance.reference} Kế hoạch (KH)`);
    assert.equal(row[1], `${SENT} để t/hiện`);
    assert.equal(row[2], 'BAN CHỈ ĐẠO 138');
    assert.equal(row[3], civilDate(sentDoc.issuance.date));
    assert.equal(row[4], 'Xã Đại Sơn');
    assert.equal(row[5], 'Chưa xác nhận đã nhận');
    const recalledRow = await cells(recalled);
    assert.equal(recalledRow[5], 'Chưa xác nhận đã nhận Đã bị thu hồi: cần xác nhận Lý do thu hồi: Ban hành nhầm đối tượng');

    // Each opens its NĐ 30 page; only the one he may read opens as a document.
    const view = rowOf(sent).getByRole('link', { name: 'Xem văn bản' });
    assert.equal(await view.getAttribute('href'), `/api/van-ban?ho_so=${encodeURIComponent(sent)}`);
    assert.equal(await view.getAttribute('target'), '_blank');
    assert.equal(await view.getAttribute('rel'), 'noopener');
    const opened = await openedDocument(context, view);
    assert.ok(opened.text.includes(SENT), opened.text);
    assert.ok(opened.text.includes(`Số: ${sentDoc.issuance.reference}`), opened.text);
    const ownLink = rowOf(own).getByRole('link', { name: 'Mở hồ sơ' });
    await ownLink.waitFor();
    assert.equal(await ownLink.getAttribute('href'), `#/ho-so/${own}`);
    await page.waitForLoadState('networkidle');
    assert.equal(await rowOf(sent).getByRole('link', { name: 'Mở hồ sơ' }).count(), 0);

    // He acknowledges the plan: the row says so at once, and so does the engine.
    await rowOf(sent).getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    const notice = page.getByRole('status');
    await notice.filter({ hasText: 'Đã xác nhận đã nhận' }).waitFor();
    assert.match(squash(await notice.innerText()),
      new RegExp(`^Đã xác nhận đã nhận văn bản ${sentDoc.issuance.reference} lúc \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}\\.$`));
    row = await cells(sent);
    assert.match(row[5], /^Đã nhận lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} bởi Nguyễn Văn An$/);
    assert.equal(await rowOf(sent).getByRole('button').count(), 0);
    const line = (await issuerDocs.GetDocument({ instance_id: sent })).recipients.find((r) => r.unit === DAI_SON);
    assert.equal(line.acknowledged_by, 'can-bo.dai-son');
    // On Vietnam's clock, though the browser runs in Paris.
    assert.equal(row[5], `Đã nhận lúc ${vnDateTime(toDate(line.acknowledged_at))} bởi Nguyễn Văn An`);
    const listed = (await officerDocs.ListIncoming({ unit: DAI_SON, page_size: 1000 })).documents;
    assert.equal(listed.find((d) => d.instance_id === sent).acknowledged, true);

    // The recalled one: he confirms the recall (and receipt with it).
    await rowOf(recalled).getByRole('button', { name: 'Xác nhận đã thu hồi' }).click();
    await notice.filter({ hasText: 'Đã xác nhận thu hồi' }).waitFor();
    assert.equal(squash(await notice.innerText()), `Đã xác nhận thu hồi văn bản ${recalledDoc.issuance.reference}.`);
    assert.match((await cells(recalled))[5], /^Đã nhận lúc .* bởi Nguyễn Văn An Đã xác nhận thu hồi Lý do thu hồi/);
    const confirmed = (await issuerDocs.GetDocument({ instance_id: recalled })).recipients.find((r) => r.unit === DAI_SON);
    assert.ok(confirmed.recall_confirmed_at, 'the engine recorded the confirmation');
    assert.equal(confirmed.recall_confirmed_by, 'can-bo.dai-son');

    // Only those still waiting: his own plan, not the two he confirmed.
    await page.getByLabel('Chỉ hiện văn bản chưa xác nhận').check();
    await rowOf(sent).waitFor({ state: 'detached' });
    await rowOf(own).waitFor();
    assert.equal(await rowOf(recalled).count(), 0);
    await noStrayText(page);

    // Read again, the acknowledgement stays; his own plan opens.
    await page.reload();
    await rowOf(sent).waitFor();
    // The list itself names who acknowledged it.
    assert.match((await cells(sent))[5], /^Đã nhận lúc .* bởi Nguyễn Văn An$/);
    await rowOf(own).getByRole('link', { name: 'Mở hồ sơ' }).click();
    await page.waitForURL(`**/#/ho-so/${own}`);
    const doc = page.getByRole('region', { name: 'Văn bản' });
    await doc.waitFor();
    assert.equal(await documentFact(doc, 'Trích yếu'), OWN);

    assert.deepEqual(problems(), []);
  });

  // An administrator names the unit whose list to read, and acknowledges
  // nothing: receipt is the unit's own.
  const adminContext = await browser.newContext({ locale: 'vi-VN' });
  const adminPage = await adminContext.newPage();
  adminPage.setDefaultTimeout(10_000);
  const adminProblems = watchProblems(adminPage);
  await withPage(adminContext, adminPage, async () => {
    await adminPage.goto(`${gateway.url}/#/van-ban-den`);
    await adminPage.getByRole('button', { name: 'Đăng nhập bằng mã truy cập' }).click();
    await adminPage.getByLabel('Mã truy cập').fill(server.adminToken);
    await adminPage.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Văn bản đến' }).waitFor();
    await adminPage.getByLabel('Mã đơn vị nhận').fill(TAY_YEN_TU);
    await adminPage.getByRole('button', { name: 'Xem văn bản đến' }).click();
    const rowOf = (id) => adminPage.locator(`#bang-van-ban-den tbody tr[data-ho-so="${id}"]`);
    await rowOf(recalled).waitFor();
    assert.equal(await rowOf(sent).count(), 0);  // sent to Đại Sơn only
    assert.match(squash((await rowOf(recalled).locator('td').allInnerTexts())[5]),
      /^Chưa xác nhận đã nhận Đã bị thu hồi: cần xác nhận/);
    assert.equal(await rowOf(recalled).getByRole('button').count(), 0);
    assert.equal(await adminPage.getByRole('alert').filter({ hasText: /\S/ }).count(), 0);
    assert.deepEqual(adminProblems(), []);
  });
});

test('the progress of a campaign of 3,321 communes stays one readable page', async () => {
  // GetProgress as the engine would answer for a plan sent to every commune
  // of a province: 3,321 children, 300 of them late.
  const unit = (i, state, late) => ({
    instance_id: `wi-${String(900000 + i).padStart(12, '0')}`, unit: String(10000 + i),
    unit_name: `Xã Thử Nghiệm ${i}`, state, late, finished: state !== 'dang_lam', business_key: '',
  });
  const working = Array.from({ length: 3000 }, (_, i) => unit(i, 'dang_lam', i < 300));
  const done = Array.from({ length: 321 }, (_, i) => unit(3000 + i, 'da_nop', false));
  const answer = {
    parent_id: plan.id, total: '3321', late_count: '300', late: working.slice(0, 300),
    states: [
      { state: 'dang_lam', title: 'Đang làm báo cáo', final: false, count: '3000', units: working },
      { state: 'da_nop', title: 'Đã nộp', final: true, count: '321', units: done },
      { state: 'tre', title: 'Trễ hạn', final: true, count: '0', units: [] },
    ],
  };
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = watchProblems(page);
  const calls = [];
  page.on('request', (req) => { if (req.url().includes('/api/rpc/')) calls.push(new URL(req.url()).pathname); });
  await page.route('**/api/rpc/wf.v1.WorkflowService/GetProgress', (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify(answer),
  }));
  await withPage(context, page, async () => {
    await signInAt(page, `#/ho-so/${plan.id}`, 'chu-tich.dai-son');
    const progress = page.getByRole('region', { name: 'Tiến độ thực hiện' });
    await progress.waitFor();
    assert.equal(squash(await progress.locator('#tong-tien-do').innerText()),
      'Tổng số: 3.321 hồ sơ của các đơn vị. Đã kết thúc: 321 (9,7%). Trễ hạn: 300.');
    assert.deepEqual((await progress.locator('#bang-tien-do tbody tr').allInnerTexts()).map(squash), [
      'Đang làm báo cáo 3.000 90,3%', 'Đã nộp Kết thúc 321 9,7%', 'Trễ hạn Kết thúc 0 0%',
    ]);
    // Every list folded: the section stays about a screen high.
    const folds = progress.locator('details');
    assert.deepEqual((await folds.locator('summary').allInnerTexts()).map(squash), [
      'Danh sách 300 đơn vị trễ hạn', 'Đang làm báo cáo (3.000)', 'Đã nộp (321)',
    ]);
    assert.equal(await progress.locator('details[open]').count(), 0);
    const { height } = await progress.boundingBox();
    assert.ok(height < 900, `the section is ${height}px high`);
    assert.equal(await progress.locator('#ds-tre-han li').count(), 300);

    // Opened, each unit links to its own document; the late ones marked.
    await folds.nth(1).locator('summary').click();
    const first = folds.nth(1).locator('li').first();
    assert.equal(squash(await first.innerText()), 'Xã Thử Nghiệm 0 Trễ hạn');
    assert.equal(await first.getByRole('link').getAttribute('href'), `#/ho-so/${working[0].instance_id}`);
    assert.equal(await folds.nth(1).locator('li').count(), 3000);
    assert.equal(await folds.nth(1).locator('.nhan--qua-han').count(), 300);

    // One call for the whole campaign, none per child.
    assert.equal(calls.filter((c) => c.endsWith('/GetProgress')).length, 1);
    assert.equal(calls.filter((c) => c.endsWith('/GetInstance')).length, 1);
    assert.deepEqual(problems(), []);
  });
});
