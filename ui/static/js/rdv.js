/* Garage V. Parrot: workshop booking (/rendez-vous), progressive enhancement.
 *
 * The services and day form is a plain GET form that works without
 * JavaScript. Here, changing a service or the day fetches the same URL with
 * "X-Requested-With: fetch", which answers only the slots fragment, and
 * swaps #rdv-creneaux in place; the URL follows (replaceState). A sequence
 * number keeps a stale answer from overwriting a newer one. Links inside the
 * fragment (other days) still load whole pages. No inline handlers, no eval. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-slots-form]");
  var slots = document.getElementById("rdv-creneaux");
  if (!form || !slots || !window.fetch || !window.history || !window.URLSearchParams) return;
  var seq = 0;

  function url() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value !== "") params.append(key, value);
    });
    return form.getAttribute("action") + "?" + params.toString();
  }

  function refresh() {
    seq += 1;
    var mine = seq;
    var target = url();
    slots.setAttribute("aria-busy", "true");
    fetch(target, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        slots.innerHTML = html;
        slots.removeAttribute("aria-busy");
        window.history.replaceState(null, "", target);
      })
      .catch(function () {
        if (mine === seq) slots.removeAttribute("aria-busy"); // the button still sends the plain form
      });
  }

  form.addEventListener("change", refresh);
})();
