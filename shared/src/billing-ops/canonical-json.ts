// One serialisation per value: object keys sorted at every depth, `undefined` members left out
// (as JSON.stringify does), arrays in their order. Two requests with the same parameters
// serialise alike however their objects were built, so a hash of this names the request.
// Plain data only: anything JSON cannot carry as itself is refused rather than written lossily
// (JSON.stringify writes NaN as null and a Date as a string, making two values one text).

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`not plain JSON data: ${typeof value}`);
}
