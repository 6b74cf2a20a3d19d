// What the Node tests share to talk to a test server: the API loaded from
// proto/ with the loader options docs/clients.md recommends, unary calls as
// promises carrying a bearer token, and the test org directory (Bắc Ninh's
// communes, its agencies, the test people).
import fs from 'node:fs';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { repo } from './server.mjs';

const definition = protoLoader.loadSync('wf/v1/workflow.proto', {
  includeDirs: [path.join(repo, 'proto'), '/usr/include'],
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
export const wf = grpc.loadPackageDefinition(definition).wf.v1;

// Unary calls of `Service` at `address` as promises, each carrying
// `authorization: Bearer <token>` and a 10-second deadline.
export function client(Service, address, token) {
  const stub = new Service(address, grpc.credentials.createInsecure());
  return new Proxy(stub, {
    get(target, name) {
      return (request) => new Promise((resolve, reject) => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        target[name](request, metadata, { deadline: Date.now() + 10_000 },
          (err, response) => (err ? reject(err) : resolve(response)));
      });
    },
  });
}

const shared = path.join(repo, '..', 'shared', 'domain', 'provinces');
const read = (...p) => fs.readFileSync(path.join(...p), 'utf8');

// Imports the test org directory (tests/testdata/org/README.md) as `admin`.
export async function importTestOrg(admin) {
  await admin.ImportDirectory({
    source: 'bac_ninh_xa', format: 'communes', csv: read(shared, 'bac_ninh_2025.csv'),
    province_id: 'bac_ninh', province_name: 'Bắc Ninh',
    valid_from: { year: 2025, month: 7, day: 1 },  // google.type.Date
  });
  await admin.ImportDirectory({
    source: 'bac_ninh_co_quan', format: 'units',
    csv: read(repo, 'tests', 'testdata', 'org', 'bac_ninh_co_quan.csv'),
  });
  await admin.ImportDirectory({
    source: 'nguoi_dung', format: 'people',
    csv: read(repo, 'tests', 'testdata', 'org', 'nguoi_dung.csv'),
  });
}
