// A URL kept from the reader in base64, then fetched.
const u = atob('aHR0cHM6Ly9wYXlsb2FkLnN0YWdlLmV4YW1wbGUvdjEvY29uZmlnLmpzb24=');
fetch(u).then((r) => r.json());
// An image embedded as a data URI is not hidden: it is not a URL.
const icon = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
