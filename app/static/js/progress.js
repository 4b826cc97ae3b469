// The certificate files' progress bar: polls the edition's progress (JSON) every two seconds until no
// certificate is pending, and updates the bar and its sentence (a polite live region) in place.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.getAttribute("data-done") === "true" || !window.fetch) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[role=status]");
  var url = box.getAttribute("data-progress-url");
  var failed = null;

  function update(state) {
    bar.max = state.total;
    bar.value = state.issued;
    if (text.textContent !== state.text) text.textContent = state.text;
    if (failed === null) failed = state.failed;
    if (state.done) {
      box.setAttribute("data-done", "true");
      // Failures come with their reasons and a retry button: the page shows them once reloaded.
      if (state.failed !== failed) window.location.reload();
      return;
    }
    window.setTimeout(poll, 2000);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(update)
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 1000);
})();
