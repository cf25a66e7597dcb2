// RegExp.prototype.exec is not child_process.exec.
const re = /(\d+)\.(\d+)/g;
function versions(s) {
  const out = [];
  let m;
  while ((m = re.exec(s)) !== null) out.push(m[1] + '.' + m[2]);
  return out;
}
const slash = 10 / 2 / 5;
const tricky = s => s.replace(/\/\*eval\(x\)\*\//g, '');
module.exports = { versions, slash, tricky };
