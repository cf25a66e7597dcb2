(function () {
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (m, u) { return open.apply(this, arguments); };
  var f = window.fetch;
  window.fetch = function () { return f.apply(this, arguments); };
  if (window.ethereum) { window.ethereum.request = function () {}; }
})();
