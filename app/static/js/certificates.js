// The verification page: compare a local PDF's SHA-256 with the certificate's, in the browser only.
// No inline script (CSP); the box stays hidden where the browser cannot hash (no Web Crypto: plain http).
(function () {
  "use strict";

  var box = document.querySelector("[data-sha256-check]");
  if (!box || !window.crypto || !window.crypto.subtle || !window.Blob || !Blob.prototype.arrayBuffer) return;
  var expected = box.getAttribute("data-sha256-check").toLowerCase();
  var input = box.querySelector("input[type=file]");
  var result = box.querySelector(".hash-check-result");
  box.hidden = false;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function show(kind, message, computed) {
    result.className = "hash-check-result mt-2 mb-0 alert alert-" + kind;
    result.textContent = "";
    var line = document.createElement("p");
    line.className = "mb-0 fw-semibold";
    line.textContent = message;
    result.appendChild(line);
    if (computed) {
      var detail = document.createElement("p");
      detail.className = "mb-0 small";
      detail.textContent = box.getAttribute("data-computed") + " ";
      var code = document.createElement("span");
      code.className = "sha256-value d-inline";
      code.textContent = computed;
      detail.appendChild(code);
      result.appendChild(detail);
    }
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) return;
    file.arrayBuffer()
      .then(function (buffer) { return window.crypto.subtle.digest("SHA-256", buffer); })
      .then(function (digest) {
        var computed = hex(digest);
        if (computed === expected) show("success", box.getAttribute("data-match"), computed);
        else show("danger", box.getAttribute("data-mismatch"), computed);
      })
      .catch(function () { show("warning", box.getAttribute("data-failed"), ""); });
  });
})();
