// The job page on the phone. Without this script the page still works: the promised
// time shows as a time, and the items form has three rows.
(function () {
  // The next promise counted down, amber in its last five minutes, red once missed.
  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[datetime]").forEach(function (el) {
      if (!el.dataset.at) el.dataset.at = el.textContent;
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var minutes = Math.ceil(Math.abs(due - now) / 60000), h = Math.floor(minutes / 60);
      var span = h ? fill(el.dataset.hours, { h: h, m: minutes % 60 }) : fill(el.dataset.minutes, { m: minutes });
      el.textContent = el.dataset.at + " · " + fill(due > now ? el.dataset.left : el.dataset.over, { time: span });
      el.classList.toggle("late", due <= now);
      el.classList.toggle("soon", due > now && due - now <= 5 * 60000);
    });
  }
  tick();
  setInterval(tick, 15000);

  // Item rows: the rows filled in and one blank row; more are added and removed here.
  function blank(row) {
    if (row.querySelector("option.other:checked")) return false;
    return !Array.prototype.some.call(row.querySelectorAll("input, select"), function (f) { return f.value !== ""; });
  }
  document.querySelectorAll("fieldset.items").forEach(function (box) {
    var list = box.querySelector(".item-rows"), template = box.querySelector("template");
    var add = box.querySelector("button.add-row"), next = Number(box.dataset.next) || 0;
    var rows = Array.prototype.slice.call(list.querySelectorAll(".item-row"));
    var kept = rows.filter(function (row) { return !blank(row); });
    rows.forEach(function (row, i) { if (blank(row) && (kept.length || i > 0)) row.remove(); });
    function arm(row) { row.querySelector("button.remove-row").hidden = false; }
    list.querySelectorAll(".item-row").forEach(arm);
    function addRow() {
      list.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__i__/g, String(next++)));
      var row = list.lastElementChild;
      arm(row);
      return row;
    }
    add.hidden = false;
    add.addEventListener("click", function () { addRow().querySelector("select").focus(); });
    list.addEventListener("click", function (e) {
      var remove = e.target.closest("button.remove-row");
      if (!remove) return;
      remove.closest(".item-row").remove();
      if (!list.querySelector(".item-row")) addRow();
      add.focus();
    });
  });
})();
