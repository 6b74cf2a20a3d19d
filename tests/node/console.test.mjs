// The web console (console/, served by wf_console) in a real browser: a
// real wf_server with the test workflow tests/testdata/nop_ke_hoach.lua, the
// gateway in front of it, and Debian's Chromium driven by playwright-core.
// The officer of Xã Đại Sơn submits a plan over gRPC; the chairman signs in
// to the console, finds it in his inbox, reads it, is refused a step that
// needs a reason he did not give, approves it, and signs out.
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
  for (const person of ['can-bo.dai-son', 'chu-tich.dai-son']) {
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

  try {
    // Not signed in: the sign-in page, whatever the address asked.
    await page.goto(`${gateway.url}/#/hop-thu`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    assert.match(page.url(), /#\/dang-nhap$/);
    const codeField = page.getByLabel('Mã truy cập');
    assert.equal(await codeField.getAttribute('type'), 'password');

    // A wrong code: the gateway's Vietnamese message in the alert box.
    await codeField.fill('wft_khong_phai_ma_that');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const wrong = (await alert.innerText()).trim();
    assert.ok(wrong.length > 0, 'an error message');
    assert.match(wrong, /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i,
      `a Vietnamese message: ${wrong}`);
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    // The chairman's own code: his inbox, with the plan in it.
    await codeField.fill(tokens['chu-tich.dai-son']);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
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
  } catch (err) {
    err.message += `\n--- page:\n${await page.locator('body').innerText().catch(() => '')}` +
      `\n--- wf_console:\n${gateway.log().slice(-2000)}`;
    throw err;
  } finally {
    await context.close();
  }
});

test('the officer starts a plan from the console', async () => {
  const context = await browser.newContext({ locale: 'vi-VN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(`${gateway.url}/#/khoi-tao`);
    await page.getByLabel('Mã truy cập').fill(tokens['can-bo.dai-son']);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // Back where the address pointed.
    await page.getByRole('heading', { level: 1, name: 'Khởi tạo hồ sơ' }).waitFor();
    await page.getByLabel('Quy trình').selectOption('nop_ke_hoach');
    assert.match(await page.getByLabel('Đơn vị').locator('option:checked').innerText(), /Xã Đại Sơn/);
    await page.getByLabel('Số hiệu hồ sơ (không bắt buộc)').fill('KH-2026-DAI-SON-LAN-2');

    // JSON that does not parse is caught before anything is sent.
    const vars = page.getByLabel('Thông tin khởi tạo (JSON)');
    await vars.fill('{"don_vi": "UBND xã Đại Sơn",}');
    await page.getByRole('button', { name: 'Khởi tạo' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /không đúng định dạng JSON/);
    assert.equal(await vars.getAttribute('aria-invalid'), 'true');

    await vars.fill(JSON.stringify({ don_vi: 'UBND xã Đại Sơn', han_nop: '2027-02-10', nam: 2027 }));
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
    assert.equal(fromStruct(stored.variables).nam, 2027);
    // The officer's next step is offered.
    await page.getByRole('region', { name: 'Việc cần làm' })
      .getByRole('button', { name: 'Trình lãnh đạo đơn vị phê duyệt' }).waitFor();
  } catch (err) {
    err.message += `\n--- page:\n${await page.locator('body').innerText().catch(() => '')}`;
    throw err;
  } finally {
    await context.close();
  }
});
