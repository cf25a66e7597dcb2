'use strict';
window.desk.status().then((s) => {
  document.getElementById('status').textContent = s.ok ? 'All systems normal' : 'Status unavailable';
});
