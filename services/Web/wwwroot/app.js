// The browser's time zone, so the console shows times where the user is.
window.logistics = {
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  focus: (id) => { const e = document.getElementById(id); if (e) e.focus(); },
};

// The error banner's link reloads the page: its connection is gone, so the page cannot follow a link by itself.
document.addEventListener("click", (e) => {
  if (e.target instanceof Element && e.target.closest("#blazor-error-ui .reload")) { e.preventDefault(); location.reload(); }
});
