/* Garage V. Parrot: progressive enhancement only; the site works without it.
 * Loaded with <script src="…" defer>; no inline handlers, no eval (strict CSP). */
(function () {
  "use strict";

  // A marker that this script ran. The stylesheet does not use it: it has
  // @media (scripting: enabled), which holds from the first paint.
  document.documentElement.classList.add("js");

  function setOpen(button, nav, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }

  // .nav-toggle opens/closes the element named by its aria-controls.
  function initNavToggles() {
    var buttons = document.querySelectorAll(".nav-toggle[aria-controls]");
    Array.prototype.forEach.call(buttons, function (button) {
      var nav = document.getElementById(button.getAttribute("aria-controls"));
      if (!nav) {
        button.hidden = true;
        return;
      }
      setOpen(button, nav, button.getAttribute("aria-expanded") === "true");
      button.addEventListener("click", function () {
        setOpen(button, nav, button.getAttribute("aria-expanded") !== "true");
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
          setOpen(button, nav, false);
          button.focus();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initNavToggles);
  } else {
    initNavToggles();
  }
})();

/* Table cells carry their column's heading, shown on the phone's stacked
   cards (the stylesheet stacks them without it when this does not run), and
   the back-office menu is open on wide screens. */
(function () {
  "use strict";

  function labelCells() {
    var tables = document.querySelectorAll(".admin-main table.table");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) {
        return;
      }
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var label = heads[i] ? heads[i].textContent.trim() : "";
          if (label && cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
        });
      });
    });
    if (window.matchMedia("(min-width: 60rem)").matches) {
      Array.prototype.forEach.call(document.querySelectorAll(".admin-menu, .filters-panel"), function (d) {
        d.open = true;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelCells);
  } else {
    labelCells();
  }
})();
