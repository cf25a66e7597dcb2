// Loads a third-party widget into the page: the loaded code is not here.
// A comment saying document.createElement('script') is not code.
export function loadWidget(id) {
  const s = document.createElement('script');
  s.src = 'https://widgets.vendor.example/v1/' + id + '.js';
  document.head.appendChild(s);
  const d = document.createElement('div'); // not a script
  return d;
}
