// The google.rpc.Status a refusal carries in its `grpc-status-details-bin`
// trailer, decoded with protobufjs from the repository's proto files:
// {reason, domain, metadata, fields, vietnamese, precondition}.
import path from 'node:path';
import protobuf from 'protobufjs';
import { repo } from './server.mjs';

const root = new protobuf.Root();
// google/protobuf/*.proto are protobufjs's own; google/rpc/*.proto ours.
root.resolvePath = (origin, target) =>
  (target.startsWith('google/protobuf/') ? target : path.join(repo, 'proto', target));
root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'],
  { keepCase: true });
const Status = root.lookupType('google.rpc.Status');

export function refusal(err) {
  const [bytes] = err.metadata.get('grpc-status-details-bin');
  if (!bytes) throw new Error(`no error details on: ${err.message}`);
  const out = { code: err.code, fields: [], metadata: {} };
  const status = Status.decode(bytes);
  for (const any of status.details) {
    const name = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    const detail = root.lookupType(name).decode(any.value);
    if (name === 'google.rpc.ErrorInfo') {
      Object.assign(out, { reason: detail.reason, domain: detail.domain,
        metadata: detail.metadata ?? {} });
    } else if (name === 'google.rpc.BadRequest') {
      out.fields = detail.field_violations.map((v) => v.field);
    } else if (name === 'google.rpc.LocalizedMessage') {
      out.vietnamese = detail.locale === 'vi-VN' ? detail.message : undefined;
    } else if (name === 'google.rpc.PreconditionFailure') {
      out.precondition = detail.violations.map((v) => v.type);
    }
  }
  return out;
}
