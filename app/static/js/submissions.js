// Character counts under the long texts of an application; the server's limit is the one that counts.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text char-count";
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var length = area.value.replace(/\r\n/g, "\n").trim().length;
      counter.textContent = length.toLocaleString() + " / " + limit.toLocaleString();
      counter.classList.toggle("text-danger", length > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
