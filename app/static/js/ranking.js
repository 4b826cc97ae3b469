// Sortable tables: a table marked data-sortable gets a button in each heading marked data-sort
// ("number" or "text"); cells give their sort key in data-sort-value. No inline script (CSP).
(function () {
  "use strict";

  function key(row, index, numeric) {
    var cell = row.children[index];
    var value = cell ? (cell.getAttribute("data-sort-value") || cell.textContent.trim()) : "";
    if (!numeric) return value;
    var number = parseFloat(value);
    return isNaN(number) ? Number.NEGATIVE_INFINITY : number;
  }

  function sortBy(table, heading, index) {
    var numeric = heading.getAttribute("data-sort") === "number";
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { sensitivity: "base" });
    rows.forEach(function (row, position) { row.setAttribute("data-position", position); });
    rows.sort(function (a, b) {
      var x = key(a, index, numeric), y = key(b, index, numeric);
      var order = numeric ? x - y : collator.compare(x, y);
      if (order === 0) order = a.getAttribute("data-position") - b.getAttribute("data-position");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th[data-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  // A heading gives its column in data-column when the header has several rows; else its own position.
  function columnOf(heading) {
    return heading.hasAttribute("data-column") ? parseInt(heading.getAttribute("data-column"), 10) : heading.cellIndex;
  }

  // Where the table is a card per row (its headings hidden), a select of the same columns sorts it: the page's
  // [data-sort-chooser], shown by the style sheet only while the table is stacked.
  function chooser(table, headings) {
    var box = document.querySelector("[data-sort-chooser]");
    if (!box || !headings.length) return;
    var select = box.querySelector("select");
    Array.prototype.forEach.call(headings, function (heading, position) {
      var option = document.createElement("option");
      option.value = position;
      option.textContent = heading.textContent.trim();
      option.selected = heading.getAttribute("aria-sort") === "ascending";
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      var heading = headings[select.value];
      heading.removeAttribute("aria-sort"); // the chosen column sorts ascending first
      sortBy(table, heading, columnOf(heading));
    });
    box.querySelector("[data-sort-reverse]").addEventListener("click", function () {
      var heading = headings[select.value];
      sortBy(table, heading, columnOf(heading));
    });
    box.hidden = false;
  }

  function enhance(table) {
    var headings = table.tHead ? table.tHead.querySelectorAll("th[data-sort]") : [];
    chooser(table, headings);
    Array.prototype.forEach.call(headings, function (heading) {
      var index = columnOf(heading);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (heading.firstChild) button.appendChild(heading.firstChild);
      heading.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, heading, index); });
    });
  }

  document.querySelectorAll("table[data-sortable]").forEach(enhance);
})();
