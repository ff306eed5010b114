// The colour theme a reader chose with the header's toggle (site.js), applied before the
// first paint so a dark page never flashes light. Loaded without defer, in <head>; the
// choice lives only in this browser, since signed-out pages come from a shared cache.
try {
  const theme = window.localStorage.getItem("precis-theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {
  // Storage refused (private mode, blocked cookies): follow the system.
}
