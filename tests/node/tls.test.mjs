// TLS and mutual TLS from Node: a CA made with openssl for the test, a
// server certificate for 127.0.0.1, and a client certificate the server
// requires in the mutual case.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { repo, startServer } from './server.mjs';

const definition = protoLoader.loadSync('wf/v1/workflow.proto', {
  includeDirs: [path.join(repo, 'proto'), '/usr/include'],
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const wf = grpc.loadPackageDefinition(definition).wf.v1;

const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'wf_node_tls_'));
const openssl = (...args) => execFileSync('openssl', args, { cwd: certs, stdio: 'ignore' });
const read = (name) => fs.readFileSync(path.join(certs, name));

before(() => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=wf node test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  for (const [name, extra] of [['server', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth']]) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`,
      '-keyout', `${name}.key`, '-out', `${name}.csr`);
    fs.writeFileSync(path.join(certs, `${name}.ext`), `${extra}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
});

after(() => fs.rmSync(certs, { recursive: true, force: true }));

function whoAmI(address, credentials, token) {
  const stub = new wf.WorkflowService(address, credentials);
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    stub.WhoAmI({}, metadata, { deadline: Date.now() + 10000 },
      (err, response) => { stub.close(); return err ? reject(err) : resolve(response); });
  });
}

test('TLS: a client that trusts the CA is served', async () => {
  const server = await startServer([
    `--tls_cert=${path.join(certs, 'server.pem')}`,
    `--tls_key=${path.join(certs, 'server.key')}`]);
  try {
    const me = await whoAmI(server.address, grpc.credentials.createSsl(read('ca.pem')),
      server.adminToken);
    assert.equal(me.admin, true);
    await assert.rejects(
      whoAmI(server.address, grpc.credentials.createInsecure(), server.adminToken),
      (err) => err.code === grpc.status.UNAVAILABLE);
  } finally {
    await server.stop();
  }
});

test('mutual TLS: only a client with a certificate of the CA is served', async () => {
  const server = await startServer([
    `--tls_cert=${path.join(certs, 'server.pem')}`,
    `--tls_key=${path.join(certs, 'server.key')}`,
    `--tls_client_ca=${path.join(certs, 'ca.pem')}`]);
  try {
    const mutual = grpc.credentials.createSsl(read('ca.pem'), read('client.key'),
      read('client.pem'));
    assert.equal((await whoAmI(server.address, mutual, server.adminToken)).admin, true);
    await assert.rejects(
      whoAmI(server.address, grpc.credentials.createSsl(read('ca.pem')), server.adminToken),
      (err) => err.code === grpc.status.UNAVAILABLE);
  } finally {
    await server.stop();
  }
});
