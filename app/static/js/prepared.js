// Files being prepared by a job (templates/_prepared.html): polls each one's status (JSON) every two seconds
// and reloads the page once one is no longer pending, so that its download link (or its failure) shows.
(function () {
  "use strict";
  var waiting = document.querySelectorAll("[data-prepared-status]");
  if (!waiting.length || !window.fetch) return;

  function poll(url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        if (state.status === "pending") window.setTimeout(function () { poll(url); }, 2000);
        else window.location.reload();
      })
      .catch(function () { window.setTimeout(function () { poll(url); }, 10000); });
  }

  Array.prototype.forEach.call(waiting, function (item) {
    var url = item.getAttribute("data-prepared-status");
    window.setTimeout(function () { poll(url); }, 1000);
  });
})();
