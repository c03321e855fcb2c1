// "We are preparing your PDF": ask the server every few seconds and show the download link
// once the PDF is ready. Without JavaScript the "Check again" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("pdf-job");
  if (!box || box.dataset.status !== "pending") return;
  var url = box.dataset.statusUrl;
  var delay = 2000;
  var tries = 0;

  function show(state, downloadUrl) {
    var title = document.getElementById("pdf-job-title");
    var message = document.getElementById("pdf-job-message");
    var download = document.getElementById("pdf-job-download");
    var check = document.getElementById("pdf-job-check");
    if (state === "ready") {
      title.textContent = "Your PDF is ready";
      message.textContent = "It is ready to download.";
      if (downloadUrl) download.href = downloadUrl;
      download.classList.remove("d-none");
      if (check) check.classList.add("d-none");
      download.focus();
    } else if (state === "failed") {
      window.location.reload(); // the page explains what went wrong and offers to try again
    }
  }

  function poll() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.status !== "pending") { show(data.status, data.download_url); return; }
        if (tries < 150) window.setTimeout(poll, Math.min(delay * (1 + tries / 10), 8000));
      })
      .catch(function () { window.setTimeout(poll, 8000); });
  }

  window.setTimeout(poll, delay);
})();
