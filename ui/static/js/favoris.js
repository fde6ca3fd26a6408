/* Garage V. Parrot: favourites, progressive enhancement only.
 *
 * The favourites are a list of car IDs kept in the browser's localStorage
 * ("garage.favoris"): no account, no cookie, nothing sent to the server
 * until the visitor opens the favourites page, which asks for the cars by
 * their IDs (/occasions/favoris?ids=…) and shows them.
 * - Every .fav-toggle[data-fav] button toggles its car (aria-pressed).
 * - Buttons added later (the car list's results replaced by cars.js) are
 *   kept in step by a MutationObserver.
 * No inline handlers, no eval (strict CSP). */
(function () {
  "use strict";

  var KEY = "garage.favoris";
  var MAX = 50;

  function read() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      if (!Array.isArray(list)) return [];
      return list.filter(function (id) { return /^[0-9]{1,18}$/.test(String(id)); }).map(String).slice(0, MAX);
    } catch (e) {
      return [];
    }
  }

  function write(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
    } catch (e) { /* storage full or disabled: the heart just does not stick */ }
  }

  function sync(root) {
    var favs = read();
    Array.prototype.forEach.call((root || document).querySelectorAll(".fav-toggle[data-fav]"), function (b) {
      var on = favs.indexOf(b.getAttribute("data-fav")) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.title = on ? "Retirer de mes favoris" : "Ajouter à mes favoris";
    });
  }

  function toggle(id) {
    var favs = read();
    var i = favs.indexOf(id);
    if (i >= 0) favs.splice(i, 1); else favs.unshift(id);
    write(favs);
    sync();
  }

  document.addEventListener("click", function (event) {
    var b = event.target.closest ? event.target.closest(".fav-toggle[data-fav]") : null;
    if (!b) return;
    event.preventDefault();
    toggle(b.getAttribute("data-fav"));
  });

  // The favourites page without ?ids=: fetch the cars kept in this browser.
  function loadFavourites(box) {
    if (box.getAttribute("data-asked") === "true" || !window.fetch) return;
    var favs = read();
    if (favs.length === 0) return;
    fetch("/occasions/favoris?ids=" + favs.join(","), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "omit"
    }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("favoris-resultats");
      var old = document.getElementById("favoris-resultats");
      if (!fresh || !old) return;
      old.replaceWith(document.importNode(fresh, true));
      sync();
    }).catch(function () { /* the page keeps its explanation */ });
  }

  function init() {
    sync();
    var box = document.querySelector("[data-favourites]");
    if (box) loadFavourites(box);
    var results = document.getElementById("resultats");
    if (results && window.MutationObserver) {
      new MutationObserver(function () { sync(results); }).observe(results, { childList: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
