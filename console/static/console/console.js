// Live countdowns: every <time class="due" datetime="..."> shows the time left to its
// promise, amber in the last five minutes, red once missed; two days or more are said in
// days and hours. No framework needed.
(function () {
  var DAY = 24 * 60;  // minutes
  // The words come translated from the page (see base.html), e.g. "还剩 {time}". The
  // days' words ("{d}天{h}小时") from the nearest element that has data-days (the
  // queue's table, the dispatch board, <body>); without them a long wait stays in hours.
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function say(name, values) {
    return fill(document.body.dataset[name] || "", values);
  }
  function words(el, minutes) {
    var m = Math.abs(minutes), h = Math.floor(m / 60);
    var holder = el.closest("[data-days]"), days = holder ? holder.dataset.days : "";
    var span;
    if (days && m >= 2 * DAY) span = fill(days, { d: Math.floor(m / DAY), h: Math.floor((m % DAY) / 60) });
    else span = h ? say("hours", { h: h, m: m % 60 }) : say("minutes", { m: m });
    return say(minutes <= 0 ? "dueOver" : "dueLeft", { time: span });
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.due").forEach(function (el) {
      if (!el.dataset.at) el.dataset.at = el.textContent;
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var minutes = due > now ? Math.ceil((due - now) / 60000) : -Math.ceil((now - due) / 60000);
      el.textContent = el.dataset.at + " · " + words(el, minutes);
      el.classList.toggle("red", due <= now);
      el.classList.toggle("amber", due > now && due - now <= 5 * 60000);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 15000);
})();

// Phone intake: the place field is a combobox whose suggestions (console/_places.html,
// loaded by htmx) are a listbox: the arrow keys move through them while the focus stays
// in the field (aria-activedescendant), Enter picks the one chosen (or the exact match,
// or the first), Escape closes the list. Picking fills the form and loads the place's
// recent tickets; words such as 爆裂 or 困人 in the description suggest an emergency,
// said aloud through a live region.
(function () {
  function field() { return document.getElementById("f-place"); }
  function listbox() { return document.getElementById("place-list"); }
  function options() {
    var list = listbox();
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }
  function active() {
    var id = field().getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }
  function choose(option) {
    var input = field();
    options().forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function show(open) {
    var list = listbox(), input = field();
    if (!input) return;
    open = open && !!list && options().length > 0;
    if (list) list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) choose(null);
  }
  function pick(hit) {
    var form = document.getElementById("intake");
    if (!form) return;
    var unit = hit.dataset.unit || "", area = hit.dataset.area || "";
    document.getElementById("f-unit").value = unit;
    document.getElementById("f-area").value = area;
    field().value = unit || area;
    var name = document.getElementById("f-name"), phone = document.getElementById("f-phone");
    if (hit.dataset.name && !name.value) name.value = hit.dataset.name;
    if (hit.dataset.phone && !phone.value) phone.value = hit.dataset.phone;
    var hits = document.getElementById("place-hits");
    var url = hits.dataset.history + "?" + new URLSearchParams(unit ? { unit: unit } : { common_area: area });
    htmx.ajax("GET", url, "#history");
    show(false);
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
  // New suggestions arrived: the list opens with none chosen yet.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === "place-hits") show(true);
  });
  document.addEventListener("click", function (e) {
    var hit = e.target.closest && e.target.closest("button.hit");
    if (hit) pick(hit);
  });
  // Leaving the field closes the list, unless the focus went into it (a click on a suggestion).
  document.addEventListener("focusout", function (e) {
    if (e.target.id !== "f-place") return;
    var list = listbox();
    if (!list || !(e.relatedTarget && list.contains(e.relatedTarget))) show(false);
  });
  document.addEventListener("keydown", function (e) {
    // Ctrl+Enter (or Cmd+Enter) records from anywhere in the intake form.
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form && e.target.form.id === "intake") {
      e.preventDefault();
      e.target.form.requestSubmit();
      return;
    }
    if (e.target.id !== "f-place") return;
    var list = listbox(), all = options();
    var open = !!list && !list.hidden && all.length > 0;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!all.length) return;
      e.preventDefault();
      if (!open) { show(true); choose(all[e.key === "ArrowDown" ? 0 : all.length - 1]); return; }
      var at = all.indexOf(active());
      if (e.key === "ArrowDown") at = at < 0 || at >= all.length - 1 ? 0 : at + 1;
      else at = at <= 0 ? all.length - 1 : at - 1;
      choose(all[at]);
      return;
    }
    if (e.key === "Escape") {
      if (open) { e.preventDefault(); show(false); }
      return;
    }
    if (e.key !== "Enter") return;
    // Enter picks the chosen suggestion; else the one that is exactly what was typed,
    // else the first, as long as the suggestions answer what is typed now.
    e.preventDefault();  // never submit half-typed
    var typed = e.target.value.trim().replace(/\s+/g, "-");
    var fresh = !!list && list.dataset.for === e.target.value;
    var chosen = open ? active() : null;
    var exact = all.filter(function (o) { return o.dataset.unit === typed; })[0];
    var hit = chosen || exact || (fresh && open ? all[0] : null);
    if (hit) pick(hit);
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
    // The hint is a live region (role=status): its words are set, not shown, so that
    // a screen reader says them when they appear.
    var hint = document.getElementById("emergency-hint");
    var say = hot && form.dataset.suggested ? hint.dataset.say : "";
    if (hint.textContent !== say) hint.textContent = say;
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
