'use strict';
// A small honest library: flatMap over a stream.
const { Transform } = require('stream');
function isIterable(v) {
  return v != null && typeof v !== 'string' && typeof v[Symbol.iterator] === 'function';
}
function flatMap(fn, opts) {
  const o = Object.assign({ objectMode: true }, opts);
  return new Transform({
    objectMode: o.objectMode,
    transform(chunk, enc, done) {
      const out = fn(chunk);
      if (isIterable(out)) for (const x of out) this.push(x);
      else if (out !== undefined) this.push(out);
      done();
    }
  });
}
var g = Function('return this')();
module.exports = flatMap;
module.exports.flatMap = flatMap;
module.exports.global = g;
