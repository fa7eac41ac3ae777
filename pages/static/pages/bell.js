// The bell: every few seconds (while the page is in view) ask how many notices are
// unread; when something new has come, refresh the part of the page marked
// data-refresh (the technician's jobs, the resident's requests) without a reload.
(function () {
  var bell = document.querySelector("a.bell[data-bell]");
  if (!bell || !window.fetch) return;
  var count = bell.querySelector(".bell-count"), label = bell.querySelector(".bell-label");
  var latest = bell.getAttribute("data-latest");
  var every = Math.max(1, parseInt(bell.getAttribute("data-every"), 10) || 15) * 1000;

  function show(n) {
    count.textContent = n;
    count.hidden = n === 0;
    var text = (n ? bell.getAttribute("data-some") : bell.getAttribute("data-none")).replace("{n}", n);
    if (label.textContent !== text) label.textContent = text;
  }

  function refresh() {
    var box = document.querySelector("[data-refresh]");
    if (!box) return;
    fetch(location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh]");
        if (fresh) box.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }

  function poll() {
    if (document.hidden) return;
    fetch(bell.getAttribute("data-bell"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        show(d.unread);
        var now = d.latest === null ? "" : String(d.latest);
        if (now !== latest) { latest = now; refresh(); }
      })
      .catch(function () {});
  }

  setInterval(poll, every);
  document.addEventListener("visibilitychange", poll);
})();
