// Measures: progress as answers are chosen, and "one question at a time" paging.
// Without this script every question shows in one list, and the form still works.
(function () {
  "use strict";
  var form = document.querySelector("form.measure-form");
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll("[data-measure-item]"));
  var progress = form.querySelector("[data-measure-progress]");
  var count = form.querySelector("[data-answered]");
  var steps = form.querySelector("[data-measure-steps]");
  var position = form.querySelector("[data-measure-position]");
  var send = form.querySelector("[data-measure-send]");
  var current = 0;

  function answered(item) { return !!item.querySelector("input:checked"); }

  function update() {
    var n = items.filter(answered).length;
    if (progress) progress.value = n;
    if (count) count.textContent = String(n);
  }

  function show(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    if (position) position.textContent = "Question " + (current + 1) + " of " + items.length;
    steps.querySelector("[data-measure-back]").disabled = current === 0;
    steps.querySelector("[data-measure-next]").hidden = current === items.length - 1;
    if (send) send.hidden = current !== items.length - 1 && !items.every(answered);
  }

  var oneAtATime = form.getAttribute("data-measure-view") === "one" && steps;
  if (oneAtATime) {
    form.classList.add("one-at-a-time");
    steps.hidden = false;
    var firstOpen = items.findIndex(function (item) { return !answered(item); });
    var firstMissing = items.findIndex(function (item) { return item.classList.contains("is-missing"); });
    show(firstMissing >= 0 ? firstMissing : firstOpen >= 0 ? firstOpen : 0);
    steps.querySelector("[data-measure-back]").addEventListener("click", function () { show(current - 1); });
    steps.querySelector("[data-measure-next]").addEventListener("click", function () {
      show(current + 1);
      var first = items[current].querySelector("input");
      if (first) first.focus();
    });
  }
  form.addEventListener("change", function (event) {
    update();
    if (oneAtATime && event.target.type === "radio") {
      // Move on after a choice, a moment later so the choice is seen.
      window.setTimeout(function () { if (current < items.length - 1) show(current + 1); else show(current); }, 250);
    }
  });
  form.addEventListener("autosave:restored", update);
  update();
})();
