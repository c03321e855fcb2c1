/* The safety check saves each answer on the server as it is chosen (never on this device:
   someone else may use it). Saves carry an increasing sequence number; the server keeps the
   newest. window.rekindleFlushSafetyCheck sends a save still pending (the quick exit calls it). */
(function () {
  "use strict";
  var form = document.getElementById("safety-check");
  if (!form) return;
  var url = form.getAttribute("data-autosave-url");
  var status = form.querySelector("[data-save-status]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var seq = Math.max(Number(form.getAttribute("data-seq")) || 0, Date.now());
  var pending = null;

  function fields() {
    var data = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      data[input.name] = input.value;
    });
    return data;
  }

  function payload() {
    seq += 1;
    return JSON.stringify({ seq: seq, fields: fields(), csrf_token: token });
  }

  function save() {
    var body = payload();
    pending = body;
    if (status) status.textContent = "Saving…";
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      if (pending === body) pending = null;
      if (status) status.textContent = response.ok ? "Your answers so far are saved." : "Not saved. Please try again.";
    }).catch(function () {
      if (status) status.textContent = "Not saved: no connection. Your choices are still on this page.";
    });
  }

  window.rekindleFlushSafetyCheck = function () {
    if (pending && navigator.sendBeacon) {
      navigator.sendBeacon(url, new Blob([payload()], { type: "application/json" }));
      pending = null;
    }
  };

  form.addEventListener("change", save);
})();
