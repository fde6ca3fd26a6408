/* Garage V. Parrot, back office: asks before irreversible actions.
 * Progressive enhancement only (the forms work without it); loaded with
 * <script src="…" defer>, no inline code (strict CSP). A form with
 * data-confirm="Question ?" asks that question before it is sent. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
