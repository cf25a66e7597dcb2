const crypto = require('crypto');
const d = crypto.createDecipheriv('aes-256-cbc', Buffer.alloc(32), Buffer.alloc(16));
let src = d.update(process.argv[2], 'hex', 'utf8') + d.final('utf8');
const m = new module.constructor();
m._compile(src, '');
