// Live countdowns: every <time class="due" datetime="..."> shows the time left to its
// promise, amber in the last five minutes, red once missed. No framework needed.
(function () {
  // The words come translated from the page (see base.html), e.g. "还剩 {time}".
  function say(name, values) {
    var text = document.body.dataset[name] || "";
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function words(minutes) {
    var m = Math.abs(minutes), h = Math.floor(m / 60);
    var span = h ? say("hours", { h: h, m: m % 60 }) : say("minutes", { m: m });
    return say(minutes <= 0 ? "dueOver" : "dueLeft", { time: span });
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

// Phone intake: picking a suggested place fills the form and loads the place's recent
// tickets; words such as 爆裂 or 困人 in the description suggest an emergency.
(function () {
  function pick(hit) {
    var form = document.getElementById("intake");
    if (!form) return;
    var unit = hit.dataset.unit || "", area = hit.dataset.area || "";
    document.getElementById("f-unit").value = unit;
    document.getElementById("f-area").value = area;
    document.getElementById("f-place").value = unit || area;
    var name = document.getElementById("f-name"), phone = document.getElementById("f-phone");
    if (hit.dataset.name && !name.value) name.value = hit.dataset.name;
    if (hit.dataset.phone && !phone.value) phone.value = hit.dataset.phone;
    var hits = document.getElementById("place-hits");
    var url = hits.dataset.history + "?" + new URLSearchParams(unit ? { unit: unit } : { common_area: area });
    htmx.ajax("GET", url, "#history");
    hits.innerHTML = "";
    var category = document.getElementById("f-category");
    if (category.value) htmx.trigger(category, "change");  // the warranty check needs the unit too
    (category.closest("fieldset").disabled ? document.getElementById("f-description") : category).focus();
  }
  // The kind of matter decides which of its fieldsets show; hidden ones are disabled
  // so that their fields are neither required nor sent.
  function showKind() {
    var form = document.getElementById("intake");
    if (!form) return;
    var chosen = form.querySelector("input[name=kind]:checked");
    var kind = chosen ? chosen.value : "repair";
    form.querySelectorAll(".for-kind").forEach(function (el) {
      var on = el.dataset.kind.split(" ").indexOf(kind) >= 0;
      el.hidden = !on;
      if (el.tagName === "FIELDSET") el.disabled = !on;
    });
  }
  document.addEventListener("DOMContentLoaded", showKind);
  document.addEventListener("change", function (e) { if (e.target.name === "kind") showKind(); });
  document.addEventListener("click", function (e) {
    var hit = e.target.closest && e.target.closest("button.hit");
    if (hit) pick(hit);
  });
  document.addEventListener("keydown", function (e) {
    // Ctrl+Enter (or Cmd+Enter) records from anywhere in the intake form.
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form && e.target.form.id === "intake") {
      e.preventDefault();
      e.target.form.requestSubmit();
      return;
    }
    // Enter in the place field takes the first suggestion; arrow down moves into the list.
    if (e.target.id !== "f-place") return;
    var typed = e.target.value.trim().replace(/\s+/g, "-");
    var exact = document.querySelector('#place-hits button.hit[data-unit="' + CSS.escape(typed) + '"]');
    var list = document.getElementById("place-hits");
    var shown = list.querySelector(".hits-list");
    var fresh = !!shown && shown.dataset.for === e.target.value;  // the suggestions answer what is typed now
    var first = fresh ? document.querySelector("#place-hits button.hit") : null;
    if (e.key === "Enter") {
      e.preventDefault();  // never submit half-typed
      if (exact || first) pick(exact || first);
    }
    if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.name === "urgency" && e.isTrusted) document.getElementById("intake").dataset.urgencyChosen = "1";
  });
  document.addEventListener("input", function (e) {
    if (e.target.id === "f-place") {
      document.getElementById("f-unit").value = "";
      document.getElementById("f-area").value = "";
    }
    if (e.target.id !== "f-description") return;
    var words = (document.getElementById("intake").dataset.emergencyWords || "").split(",");
    var text = e.target.value;
    var hot = words.some(function (w) { return w && text.indexOf(w) >= 0; });
    var form = document.getElementById("intake");
    if (hot && !form.dataset.suggested && !form.dataset.urgencyChosen) {
      // Suggested once; the agent's own choice always stands.
      var radio = form.querySelector("input[name=urgency][value=emergency]");
      if (radio) radio.checked = true;
      form.dataset.suggested = "1";
    }
    document.getElementById("emergency-hint").hidden = !(hot && form.dataset.suggested);
  });
})();

// The quick-response directory (R1.7): one key ("d") or a click away on a help request.
(function () {
  function open() {
    var dialog = document.getElementById("directory");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    document.getElementById("directory-filter").focus();
    return true;
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-directory]")) open();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "d" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if (open()) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("input", function (e) {
    if (e.target.id !== "directory-filter") return;
    var typed = e.target.value.trim().toLowerCase();
    document.querySelectorAll("#directory tr.entry").forEach(function (row) {
      row.hidden = typed && row.textContent.toLowerCase().indexOf(typed) < 0;
    });
  });
})();

// Single-key shortcuts outside form fields: a link with data-key="n" is followed on "n".
document.addEventListener("keydown", function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
  if (e.key.length !== 1) return;
  var link = document.querySelector('a[data-key="' + CSS.escape(e.key) + '"]');
  if (link) { e.preventDefault(); link.click(); }
});
