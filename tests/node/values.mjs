// google.protobuf.Struct and Timestamp as plain JavaScript values.
// @grpc/proto-loader hands a Struct over as
// {fields: {name: {kind: 'stringValue', stringValue: '...'}}}: these turn it
// into {name: '...'} and back, the way a client of the API would. The
// names are camelCase even with keepCase: protobufjs brings its own
// google/protobuf/struct.proto, and keepCase applies to our files only.

export function toValue(v) {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v) };
}

export function toStruct(object) {
  const fields = {};
  for (const [k, v] of Object.entries(object)) fields[k] = toValue(v);
  return { fields };
}

export function fromValue(value) {
  switch (value.kind) {
    case 'nullValue': return null;
    case 'boolValue': return value.boolValue;
    case 'numberValue': return value.numberValue;
    case 'stringValue': return value.stringValue;
    case 'listValue': return (value.listValue.values ?? []).map(fromValue);
    case 'structValue': return fromStruct(value.structValue);
    default: throw new Error(`a Value with no kind: ${JSON.stringify(value)}`);
  }
}

export function fromStruct(struct) {
  const object = {};
  for (const [k, v] of Object.entries(struct?.fields ?? {})) object[k] = fromValue(v);
  return object;
}

// A Timestamp ({seconds: '1770742800', nanos: 0} with longs: String) as a Date.
export function toDate(timestamp) {
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6));
}
