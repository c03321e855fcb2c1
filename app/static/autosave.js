// Autosave for drafts (exercises, journal entries, session notes).
//
// Markup: <form data-autosave-url="/…/autosave" data-autosave-key="unique-per-draft"> with a
// <div class="save-state" data-save-state aria-live="polite"></div> inside.
// Every change is kept in localStorage at once (so a closed tab, a lost connection or an expired
// session loses nothing), and sent to the server after a short pause and when the page is left.
// Each save carries a sequence number that only grows, so the server can ignore an older save
// that arrives after a newer one.
//
// Nothing readable stays on a shared device: every local copy is kept under the signed-in
// account's prefix ("rekindle-draft:<account>:<key>"). A page of one account removes every copy
// another account left, and signing out removes them all. Edits that must outlive the page
// (of entries others can read) are kept on the server, for their author, not here.
(function () {
  "use strict";
  var DEBOUNCE_MS = 800;
  var APP_PREFIX = "rekindle-";
  var csrf = document.querySelector("meta[name=csrf-token]");
  var ownerMeta = document.querySelector("meta[name=rekindle-account]");
  var owner = ownerMeta ? ownerMeta.content : "";
  var ownPrefix = "rekindle-draft:" + owner + ":";

  function removeAppKeys(keep) {
    var doomed = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var name = window.localStorage.key(i);
      if (name && name.indexOf(APP_PREFIX) === 0 && !(keep && name.indexOf(keep) === 0)) doomed.push(name);
    }
    doomed.forEach(function (name) { window.localStorage.removeItem(name); });
  }

  // Signed in: drop what any other account (or an older version of this script) left here.
  if (owner) removeAppKeys(ownPrefix);
  // Signing out: drop everything, before the request leaves.
  document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
    form.addEventListener("submit", function () { removeAppKeys(null); });
  });

  function nextSeq() {
    // Grows across page loads too: milliseconds since 1970, with room for 1000 saves each.
    nextSeq.n = Math.max((nextSeq.n || 0) + 1, Date.now() * 1000);
    return nextSeq.n;
  }

  function fieldsOf(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "request_key") return;
      if (name in data) {
        data[name] = [].concat(data[name], value);
      } else {
        data[name] = value;
      }
    });
    return data;
  }

  function setState(form, text, kind) {
    var el = form.querySelector("[data-save-state]");
    if (!el) return;
    el.textContent = text;
    // The "-emphasis" shades keep small status text readable (WCAG AA contrast on white);
    // plain text-warning yellow is not.
    el.className = "save-state " + (kind ? "text-" + kind + "-emphasis" : "text-body-secondary");
  }

  function restoreLocal(form, key) {
    var raw = window.localStorage.getItem(key);
    if (!raw) return;
    try {
      var saved = JSON.parse(raw);
      var serverSeq = parseInt(form.getAttribute("data-autosave-seq") || "0", 10);
      if (!saved || saved.seq <= serverSeq) {
        window.localStorage.removeItem(key);
        return;
      }
      Object.keys(saved.fields).forEach(function (name) {
        var inputs = form.querySelectorAll("[name='" + CSS.escape(name) + "']");
        var values = [].concat(saved.fields[name]);
        inputs.forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") {
            input.checked = values.indexOf(input.value) !== -1;
          } else {
            input.value = values[0];
          }
        });
      });
      setState(form, "Restored your unsaved text from this device.", "warning");
      form.dispatchEvent(new Event("autosave:restored"));
      return true;
    } catch (e) {
      window.localStorage.removeItem(key);
    }
  }

  // The editor is on screen (and takes typing) before this script, loaded at the end of the
  // page, has run: on a slow phone or a busy server the first words fire "input" events nobody
  // hears. Fields that no longer hold what the server sent were edited in that gap.
  function editedBeforeScript(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.disabled) return false;
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.options) {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return "defaultValue" in el && el.value !== el.defaultValue;
    });
  }

  function attach(form) {
    var url = form.getAttribute("data-autosave-url");
    var key = ownPrefix + form.getAttribute("data-autosave-key");
    var timer = null;
    var inFlight = false;
    var pending = false;
    // The newest sequence number the server has answered for (saved, or kept on the device).
    var answeredSeq = parseInt(form.getAttribute("data-autosave-seq") || "0", 10);

    function keepLocal() {
      var record = { seq: nextSeq(), fields: fieldsOf(form) };
      window.localStorage.setItem(key, JSON.stringify(record));
      return record;
    }

    function send(record, useBeacon) {
      // The version is the one the server last confirmed to this editor, not the one the
      // field held when the text was typed (a save may have answered in between).
      var versionInput = form.querySelector("input[name=version]");
      if (versionInput && record.fields) record.fields.version = versionInput.value;
      var body = JSON.stringify({ seq: record.seq, fields: record.fields });
      if (useBeacon && navigator.sendBeacon) {
        // sendBeacon cannot set headers; the token travels in the body for this one case.
        var beaconBody = JSON.stringify({ seq: record.seq, fields: record.fields, csrf_token: csrf && csrf.content });
        navigator.sendBeacon(url, new Blob([beaconBody], { type: "application/json" }));
        return;
      }
      inFlight = true;
      setState(form, "Saving…");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrf ? csrf.content : ""
        },
        body: body
      }).then(function (response) {
        inFlight = false;
        if (response.ok) {
          return response.json().then(function (data) {
            answeredSeq = Math.max(answeredSeq, record.seq);
            var stored = JSON.parse(window.localStorage.getItem(key) || "null");
            if (stored && stored.seq <= record.seq) window.localStorage.removeItem(key);
            if (data.kept === "server") {
              // Others can read what is saved: the edit waits on the server, for the author
              // alone, until Save. (Nothing of it stays on this device.)
              form.setAttribute("data-autosave-seq", String(record.seq));
              setState(form, "Your changes are kept for you. Press Save to update what others can read.");
              return;
            }
            form.setAttribute("data-autosave-seq", String(record.seq));
            if (data.version !== undefined) {
              var v = form.querySelector("input[name=version]");
              if (v) v.value = data.version;
              // Other forms acting on the same record (the note's "Sign") follow along.
              document.querySelectorAll("[data-version-of='" + CSS.escape(form.getAttribute("data-autosave-key")) + "']").forEach(function (other) {
                other.value = data.version;
              });
            }
            setState(form, "Saved " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), "success");
          });
        }
        if (response.status === 401) {
          setState(form, "You were signed out. Your text is kept on this device — sign in again in another tab, then keep writing.", "danger");
        } else if (response.status === 413) {
          setState(form, "This is longer than Rekindle can save. Your text is kept on this device; please shorten it.", "danger");
        } else if (response.status === 409) {
          setState(form, "This changed elsewhere. Your text is kept on this device; reload to compare.", "danger");
        } else {
          setState(form, "Not saved yet — your text is kept on this device and will be sent again.", "warning");
        }
      }).catch(function () {
        inFlight = false;
        setState(form, "Offline — your text is kept on this device and will be saved when you are back online.", "warning");
      }).finally(function () {
        if (pending) {
          pending = false;
          schedule();
        }
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (inFlight) {
          pending = true;
          return;
        }
        var raw = window.localStorage.getItem(key);
        if (raw) send(JSON.parse(raw));
      }, DEBOUNCE_MS);
    }

    form.addEventListener("input", function () {
      keepLocal();
      setState(form, "Unsaved changes…");
      schedule();
    });
    form.addEventListener("change", function () {
      keepLocal();
      schedule();
    });
    window.addEventListener("online", schedule);
    // A safety net for "will be sent again": whatever is on the device and not yet answered by
    // the server (a failed save, a lost timer) goes out again every few seconds.
    window.setInterval(function () {
      if (inFlight) return;
      var raw = window.localStorage.getItem(key);
      if (!raw) return;
      var record = JSON.parse(raw);
      if (record.seq > answeredSeq) send(record);
    }, 5000);
    var submitting = false;
    window.addEventListener("pagehide", function () {
      // After a submit the form post carries the text; a beacon racing it from the same
      // version would only turn the submit into a conflict.
      if (submitting) return;
      var raw = window.localStorage.getItem(key);
      if (raw) send(JSON.parse(raw), true);
    });
    form.addEventListener("submit", function () {
      // The full form post carries the text now; the local copy is cleared once it is saved.
      window.clearTimeout(timer);
      submitting = true;
      var seqInput = form.querySelector("input[name=autosave_seq]");
      if (seqInput) {
        var local = JSON.parse(window.localStorage.getItem(key) || "null");
        seqInput.value = String(Math.max(answeredSeq, local ? local.seq : 0));
      }
    });

    if (restoreLocal(form, key)) {
      schedule();
    } else if (editedBeforeScript(form)) {
      // Typing that came before this script ran reached no listener: save it now.
      keepLocal();
      setState(form, "Unsaved changes…");
      schedule();
    }
  }

  // A page that confirms a successful submit clears that draft's local copy — before any
  // editor on the same page (a message thread's composer) could restore the text just sent.
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    window.localStorage.removeItem(ownPrefix + el.getAttribute("data-clear-draft"));
  });

  document.querySelectorAll("form[data-autosave-url]").forEach(attach);
})();
