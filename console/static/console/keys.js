// Keys that work on every console page: "/" goes to the search box (as in most web
// tools), unless the person is typing in a field already.
document.addEventListener("keydown", function (e) {
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (typing) return;
  var box = document.getElementById("top-search");
  if (!box) return;
  e.preventDefault();
  box.focus();
  box.select();
});
