/* Garage V. Parrot: used cars, progressive enhancement only.
 *
 * - The filter form of /occasions is a plain GET form that works without
 *   JavaScript. Here, every change fetches the same URL with the header
 *   "X-Requested-With: fetch", which answers only the results fragment, and
 *   swaps #resultats in place: no page reload. Requests are debounced; an
 *   AbortController cancels the one in flight, and a sequence number makes
 *   sure a stale answer never overwrites a newer one. The URL follows
 *   (pushState for a change; replaceState while the same slider keeps moving) and
 *   the back button restores earlier results (popstate).
 * - Each range is two range inputs (shown only with JavaScript) kept in step
 *   with the two number inputs that the form submits.
 * - The car page gallery: thumbnails, previous/next buttons, arrow keys and
 *   swipe.
 * No inline handlers, no eval (strict CSP). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;

  function queryFromForm(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "" && !(key === "tri" && value === "recent")) {
        params.append(key, value.trim());
      }
    });
    // A range left at its bounds does not filter: keep the URL short.
    Array.prototype.forEach.call(form.querySelectorAll("[data-range]"), function (fs) {
      var dim = fs.getAttribute("data-range");
      if (params.get(dim + "_min") === fs.getAttribute("data-min")) params.delete(dim + "_min");
      if (params.get(dim + "_max") === fs.getAttribute("data-max")) params.delete(dim + "_max");
    });
    var q = params.toString();
    return "/occasions" + (q ? "?" + q : "");
  }

  function initFilters(form) {
    var results = document.getElementById("resultats");
    if (!results || !window.fetch || !window.history || !window.URLSearchParams) return;
    var timer = null;
    var controller = null;
    var seq = 0;
    var lastPush = 0; // when this page last added a history entry

    function load(url, mode) {
      seq += 1;
      var mine = seq;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      results.setAttribute("aria-busy", "true");
      fetch(url, {
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.text();
      }).then(function (html) {
        if (mine !== seq) return; // a newer request was made meanwhile
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("resultats");
        if (!fresh) throw new Error("no results");
        var nodes = Array.prototype.map.call(fresh.childNodes, function (n) { return document.importNode(n, true); });
        results.replaceChildren.apply(results, nodes);
        results.removeAttribute("aria-busy");
        // The phone's "Filtrer (n)" button counts the active filters (the chips).
        var count = document.querySelector("[data-filter-count]");
        if (count) {
          var n = results.querySelectorAll(".filter-chips .chip").length;
          count.textContent = n > 0 ? "(" + n + ")" : "";
        }
        var current = window.location.pathname + window.location.search;
        if (url === current || mode === "none") return;
        // While a slider moves, its successive results share one history
        // entry (replaced), so that "back" returns to the state before it.
        if (mode === "replace" && Date.now() - lastPush < 2000) {
          window.history.replaceState({ cars: true }, "", url);
        } else {
          window.history.pushState({ cars: true }, "", url);
        }
        lastPush = Date.now();
      }).catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (mine !== seq) return;
        window.location.href = url; // fall back to a normal page load
      });
    }

    function schedule(mode) {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var pageless = queryFromForm(form);
        load(pageless, mode);
      }, DEBOUNCE_MS);
    }

    // Two-handle ranges: the sliders drive the number inputs and back.
    Array.prototype.forEach.call(form.querySelectorAll("[data-range]"), function (fs) {
      var dim = fs.getAttribute("data-range");
      var lo = fs.querySelector('[data-handle="min"]');
      var hi = fs.querySelector('[data-handle="max"]');
      var numLo = form.querySelector("#" + dim + "_min");
      var numHi = form.querySelector("#" + dim + "_max");
      if (!lo || !hi || !numLo || !numHi) return;
      function fromSliders(moved) {
        if (Number(lo.value) > Number(hi.value)) {
          if (moved === lo) lo.value = hi.value; else hi.value = lo.value;
        }
        numLo.value = lo.value;
        numHi.value = hi.value;
      }
      [lo, hi].forEach(function (s) {
        s.addEventListener("input", function () { fromSliders(s); schedule("replace"); });
        s.addEventListener("change", function () { fromSliders(s); schedule("push"); });
      });
      [numLo, numHi].forEach(function (n) {
        n.addEventListener("input", function () {
          if (numLo.value !== "") lo.value = numLo.value;
          if (numHi.value !== "") hi.value = numHi.value;
          schedule("push");
        });
      });
      var reset = fs.querySelector("[data-reset]");
      if (reset) {
        reset.addEventListener("click", function (event) {
          event.preventDefault();
          numLo.value = "";
          numHi.value = "";
          lo.value = lo.min;
          hi.value = hi.max;
          schedule("push");
        });
      }
    });

    Array.prototype.forEach.call(form.querySelectorAll("select"), function (sel) {
      sel.addEventListener("change", function () { schedule("push"); });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      load(queryFromForm(form), "push");
    });

    // Pagination links inside the results load in place too.
    results.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".pagination a");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      load(link.getAttribute("href"), "push");
      results.scrollIntoView({ block: "start" });
    });

    // Back and forward: restore the form from the URL, then the results.
    window.addEventListener("popstate", function () {
      var params = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) return;
        el.value = params.get(el.name) || (el.name === "tri" ? "recent" : "");
      });
      Array.prototype.forEach.call(form.querySelectorAll("[data-range]"), function (fs) {
        var dim = fs.getAttribute("data-range");
        var lo = fs.querySelector('[data-handle="min"]');
        var hi = fs.querySelector('[data-handle="max"]');
        if (lo) lo.value = params.get(dim + "_min") || lo.min;
        if (hi) hi.value = params.get(dim + "_max") || hi.max;
      });
      load(window.location.pathname + window.location.search, "none");
    });
    window.history.replaceState({ cars: true }, "", window.location.pathname + window.location.search);
  }

  function initGallery(root) {
    var image = root.querySelector("[data-gallery-image]");
    var links = root.querySelectorAll("[data-index]");
    var counter = root.querySelector("[data-gallery-counter]");
    if (!image || links.length < 2) return;
    var current = 0;
    function show(i) {
      current = (i + links.length) % links.length;
      var a = links[current];
      image.src = a.getAttribute("data-src");
      image.srcset = a.getAttribute("data-srcset");
      image.alt = a.getAttribute("data-alt");
      Array.prototype.forEach.call(links, function (l, j) {
        if (j === current) l.setAttribute("aria-current", "true"); else l.removeAttribute("aria-current");
      });
      if (counter) counter.textContent = (current + 1) + " / " + links.length;
    }
    Array.prototype.forEach.call(links, function (a, i) {
      a.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        show(i);
      });
    });
    var prev = root.querySelector("[data-gallery-prev]");
    var next = root.querySelector("[data-gallery-next]");
    if (prev) prev.addEventListener("click", function () { show(current - 1); });
    if (next) next.addEventListener("click", function () { show(current + 1); });
    root.setAttribute("tabindex", "0");
    root.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    });
    var startX = null;
    image.addEventListener("touchstart", function (event) { startX = event.touches[0].clientX; }, { passive: true });
    image.addEventListener("touchend", function (event) {
      if (startX === null) return;
      var dx = event.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(dx) > 40) show(current + (dx < 0 ? 1 : -1));
    }, { passive: true });
    // The page arrives showing photo 1: mark its thumbnail, but leave the
    // image alone (setting src or srcset again would reload and redraw it).
    links[0].setAttribute("aria-current", "true");
  }

  // Back office: drop photos on the upload form to send them at once.
  function initPhotoDrop(form) {
    var input = form.querySelector('input[type="file"]');
    if (!input || !window.DataTransfer) return;
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("is-dragover"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      form.submit();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-photo-drop]"), initPhotoDrop);
    var form = document.querySelector("[data-car-filters]");
    if (form) initFilters(form);
    Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), initGallery);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
