// The score sheet warns before the page is left with unsaved changes (a closed tab loses typed comments).
(function () {
  "use strict";
  var form = document.querySelector("form.sheet-form");
  if (!form) {
    return;
  }
  var dirty = false;
  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.dataset.unsavedWarning || "";
    }
  });
})();
