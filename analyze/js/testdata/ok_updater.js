// An honest auto-updater: talks to the vendor and starts the installer.
const https = require('https');
const { spawn } = require('child_process');
const FEED = 'https://updates.vendor.example/app/latest.json';
function check(cb) {
  https.get(FEED, res => {
    let body = '';
    res.on('data', c => (body += c));
    res.on('end', () => cb(JSON.parse(body)));
  });
}
function install(file) {
  spawn(file, ['/S', '--updated'], { detached: true, stdio: 'ignore' }).unref();
}
module.exports = { check, install, env: { ...process.env, UPDATED: '1' } };
