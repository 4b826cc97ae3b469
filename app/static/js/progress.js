// The certificate files' progress bar: polls the edition's progress (JSON) every two seconds until every
// certificate recorded is issued or failed, and updates the bar and its sentence (a polite live region) in
// place; then offers a link to the page as it is now (no reload that would move the reader's focus).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.getAttribute("data-done") === "true" || !window.fetch) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[role=status]");
  var url = box.getAttribute("data-progress-url");
  var reload = box.querySelector("[data-progress-reload]");

  function update(state) {
    bar.max = state.total || 1;
    bar.value = state.issued;
    if (text.textContent !== state.text) text.textContent = state.text;
    // Nothing recorded yet: the publication's follow-up has not run; keep waiting for it.
    if (state.done && state.total > 0) {
      box.setAttribute("data-done", "true");
      // The list's badges, the download buttons and any failure with its reason: on the page as it is now.
      if (reload) reload.hidden = false;
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
