// A client's flow from Node (docs/clients.md), with the loader options it
// recommends, on the test workflow tests/testdata/nop_ke_hoach.lua: import an org directory, issue tokens, start a plan, be
// refused an event the state does not allow, submit it, find it in the
// chairman's inbox, approve it, read its history and verify it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import { client as connect, importTestOrg, wf } from './api.mjs';
import { refusal } from './errors.mjs';
import { startServer } from './server.mjs';
import { fromStruct, toDate, toStruct } from './values.mjs';

let server;
let admin;
const tokens = {};

const client = (Service, token) => connect(Service, server.address, token);

before(async () => {
  server = await startServer();
  admin = client(wf.AdminService, server.adminToken);
  await importTestOrg(admin);
  for (const person of ['can-bo.dai-son', 'chu-tich.dai-son']) {
    tokens[person] = (await admin.IssueToken({ person, note: 'node test' })).token;
  }
});

after(async () => { await server?.stop(); });

test('a plan goes from the officer to the chairman and back', async () => {
  const officer = client(wf.WorkflowService, tokens['can-bo.dai-son']);
  const chairman = client(wf.WorkflowService, tokens['chu-tich.dai-son']);
  const vars = { don_vi: 'UBND xã Đại Sơn', han_nop: '2026-02-10', nam: 2026 };
  const started = await officer.StartInstance({
    workflow: 'nop_ke_hoach', unit: '07627', business_key: 'KH-2026-DAI-SON',
    variables: toStruct(vars),
  });
  const id = started.instance.id;
  assert.match(id, /^wi-\d{12}$/);
  const stored = fromStruct(started.instance.variables);
  assert.equal(stored.don_vi, 'UBND xã Đại Sơn');
  assert.equal(stored.nam, 2026);
  const created = toDate(started.instance.created_at);
  assert.ok(Math.abs(created - Date.now()) < 60_000, created.toISOString());

  // An event the state does not allow: the reason and what to do instead.
  await assert.rejects(officer.FireEvent({ instance_id: id, event: 'tiep_nhan' }), (err) => {
    const r = refusal(err);
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(r.domain, 'wf.engine');
    assert.equal(r.reason, 'EVENT_NOT_ALLOWED');
    assert.equal(r.metadata.state, 'du_thao');
    assert.match(r.metadata.allowed_events, /trinh_duyet/);
    assert.ok(r.vietnamese && r.vietnamese.length > 0, 'a message for the official');
    return true;
  });
  // A version read a moment ago, now stale.
  await assert.rejects(officer.FireEvent({
    instance_id: id, event: 'trinh_duyet', expected_version: '99',
  }), (err) => {
    const r = refusal(err);
    assert.equal(err.code, grpc.status.ABORTED);
    assert.equal(r.reason, 'VERSION_MISMATCH');
    assert.equal(r.metadata.expected_version, '99');
    return true;
  });

  const submitted = await officer.FireEvent({
    instance_id: id, event: 'trinh_duyet',
    payload: toStruct({ trich_yeu: 'Kế hoạch thực hiện năm 2026' }),
  });
  assert.equal(submitted.event.event, 'trinh_duyet');
  assert.equal(typeof submitted.event.seq, 'string');  // uint64: longs: String
  assert.equal(fromStruct(submitted.event.payload).trich_yeu, 'Kế hoạch thực hiện năm 2026');

  const inbox = await chairman.GetInbox({});
  assert.ok(inbox.items.some((item) => item.instance.id === id), JSON.stringify(inbox));
  // The default view answers what a list shows and leaves the variables out
  // (defaults: true gives an unset message as null).
  const listed = inbox.items.find((item) => item.instance.id === id).instance;
  assert.equal(listed.variables, null);
  assert.ok(listed.state_title);
  assert.equal(listed.title, listed.state_title);  // no trích yếu: the state's title
  // INSTANCE_VIEW_FULL: each instance exactly as GetInstance answers it.
  const full = await chairman.GetInbox({ view: 'INSTANCE_VIEW_FULL' });
  const fullItem = full.items.find((item) => item.instance.id === id).instance;
  assert.deepEqual(fullItem, await chairman.GetInstance({ instance_id: id }));
  assert.equal(fromStruct(fullItem.variables).trich_yeu, 'Kế hoạch thực hiện năm 2026');

  // The officer may not approve: the role it takes is named.
  await assert.rejects(officer.FireEvent({ instance_id: id, event: 'phe_duyet_va_gui' }),
    (err) => {
      const r = refusal(err);
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
      assert.equal(r.reason, 'ROLE_REQUIRED');
      return true;
    });
  await chairman.FireEvent({ instance_id: id, event: 'phe_duyet_va_gui' });
  const history = await officer.GetHistory({ instance_id: id });
  // The plan's deadline (10/02/2026) has passed, so timer events come too.
  const byPeople = history.events.filter((e) => e.actor !== 'system:timer');
  assert.deepEqual(byPeople.map((e) => e.event), ['start', 'trinh_duyet', 'phe_duyet_va_gui']);
  assert.equal(byPeople[2].actor, 'chu-tich.dai-son');
  assert.equal(byPeople[2].actor_name.normalize('NFC'), byPeople[2].actor_name);
  assert.ok(toDate(byPeople[2].at) >= toDate(byPeople[1].at));
  const verified = await officer.VerifyInstance({ instance_id: id });
  assert.equal(verified.ok, true, verified.problem);
});

test('a call without a token is refused UNAUTHENTICATED', async () => {
  const stranger = client(wf.WorkflowService, 'wft_not_a_token');
  await assert.rejects(stranger.GetInstance({ instance_id: 'wi-000000000001' }), (err) => {
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(refusal(err).reason, 'UNAUTHENTICATED');
    return true;
  });
});
