// On every page. The GOV.UK error summary: focused when the page loads, so that a screen reader reads it and
// the next Tab reaches its first link; a link moves the focus to its field and shows the field's label too.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    var label = legend || document.querySelector("label[for='" + field.id + "']") || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

// A table marked data-stack="md" becomes a card per row below 768 px (the stack-md style): each cell is
// labelled with its column's heading first. Without script it stays a table that scrolls sideways.
(function () {
  "use strict";
  document.querySelectorAll("table[data-stack]").forEach(function (table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) {
      return; // grouped headings: the template labels its cells itself
    }
    var names = Array.prototype.map.call(head.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.colSpan === 1 && names[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[index]);
          }
        });
      });
    });
    table.classList.add("stack-" + table.getAttribute("data-stack"));
  });
})();

// A table larger than its box (wider, or taller than a .matrix-scroll) scrolls inside it: the box then takes
// the keyboard focus (arrow keys scroll it) and is named after the table, as a region; when the table fits,
// it is a plain box again.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-responsive");
  if (!boxes.length) {
    return;
  }
  // The table's caption, else what names it, else the heading of its section.
  function nameOf(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    var labelledBy = table && table.getAttribute("aria-labelledby");
    var named = labelledBy && document.getElementById(labelledBy.split(" ")[0]);
    var section = box.closest("section");
    var heading = section && section.querySelector("h1, h2, h3, h4");
    return (caption || named || heading || { textContent: document.title }).textContent.trim();
  }
  function update() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  update();
  window.addEventListener("resize", update);
})();
