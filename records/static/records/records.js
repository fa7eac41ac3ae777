// A signature drawn with a finger or the mouse on a canvas, sent as a PNG in the form's
// "signature" field. The canvas is sized when it is first touched, so a pad inside a
// closed <details> (a key's lend form) works once opened.
document.querySelectorAll("canvas.pad").forEach(function (pad) {
  var form = pad.closest("form"), field = form.querySelector("input[name=signature]");
  var ctx = pad.getContext("2d"), drawing = false, drawn = false, sized = 0;
  function fit() {
    var ratio = window.devicePixelRatio || 1, box = pad.getBoundingClientRect();
    if (sized === box.width) return;
    sized = box.width;
    pad.width = box.width * ratio; pad.height = box.height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111"; drawn = false;
  }
  function at(e) { var r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
  pad.addEventListener("pointerdown", function (e) {
    fit(); drawing = true; pad.setPointerCapture(e.pointerId);
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
