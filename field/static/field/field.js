// The customer's signature, drawn with a finger (or mouse) on a canvas and sent as a PNG.
document.querySelectorAll("canvas.pad").forEach(function (pad) {
  var form = pad.closest("form"), field = form.querySelector("input[name=signature]");
  var ctx = pad.getContext("2d"), drawing = false, drawn = false;
  function fit() {
    var ratio = window.devicePixelRatio || 1, box = pad.getBoundingClientRect();
    pad.width = box.width * ratio; pad.height = box.height * ratio;
    ctx.scale(ratio, ratio); ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  }
  function at(e) { var r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
  fit();
  pad.addEventListener("pointerdown", function (e) {
    drawing = true; pad.setPointerCapture(e.pointerId);
    var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
  });
  pad.addEventListener("pointermove", function (e) {
    if (!drawing) return;
    var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true;
  });
  pad.addEventListener("pointerup", function () { drawing = false; });
  form.querySelector("button.clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; field.value = "";
  });
  form.addEventListener("submit", function () { field.value = drawn ? pad.toDataURL("image/png") : ""; });
});
