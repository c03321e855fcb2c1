/* Quick exit: the button, or Escape pressed twice, replaces this page with a neutral one.
   location.replace swaps the current history entry, so Back does not return to this page.
   A save still waiting goes out first (sendBeacon), so nothing already answered is lost. */
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) return;
  var lastEscape = 0;

  function leave() {
    if (typeof window.rekindleFlushSafetyCheck === "function") {
      try { window.rekindleFlushSafetyCheck(); } catch (e) { /* leaving matters more */ }
    }
    document.body.hidden = true;
    window.location.replace(link.href);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1500) {
      event.preventDefault();
      leave();
    }
    lastEscape = now;
  });
})();
