// The promised times counted down every half minute; without this script the time itself shows.
(function () {
  function say(el, seconds) {
    var m = Math.round(Math.abs(seconds) / 60), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    var parts = [];
    if (d) parts.push(d + " " + el.dataset.d);
    if (h) parts.push(h + " " + el.dataset.h);
    if (!d) parts.push((m % 60) + " " + el.dataset.m);
    return parts.join(" ");
  }
  function tick() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Number(el.dataset.due) - now;
      el.textContent = "(" + (left >= 0 ? say(el, left) : el.dataset.late + " " + say(el, left)) + ")";
      el.classList.toggle("late", left < 0);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
