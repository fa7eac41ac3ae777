// Live countdowns: every <time class="due" datetime="..."> shows the time left to its
// promise, amber in the last five minutes, red once missed. No framework needed.
(function () {
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function words(minutes) {
    var m = Math.abs(minutes), h = Math.floor(m / 60), r = m % 60;
    var span = h ? (zh ? h + "小时" + (r ? r + "分" : "") : h + " h " + (r ? r + " min" : "")) : (zh ? m + "分钟" : m + " min");
    if (minutes <= 0) return zh ? "已超时 " + span : span + " overdue";
    return zh ? "还剩 " + span : span + " left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.due").forEach(function (el) {
      if (!el.dataset.at) el.dataset.at = el.textContent;
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var minutes = due > now ? Math.ceil((due - now) / 60000) : -Math.ceil((now - due) / 60000);
      el.textContent = el.dataset.at + " · " + words(minutes);
      el.classList.toggle("red", due <= now);
      el.classList.toggle("amber", due > now && due - now <= 5 * 60000);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 15000);
})();
