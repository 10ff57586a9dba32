// casemgmt: a warning before the session's idle end, with "Stay signed in".
// The server enforces the time-outs (casemgmt/sessions.py); without this file the next
// request simply asks to sign in again.
(function () {
  "use strict";

  var box = null;
  var warnTimer = null;
  var endTimer = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // idle, absolute: seconds left of each, as the server last said.
  function schedule(idle, absolute) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.hidden = true;
    var warning = parseInt(box.dataset.warningSeconds, 10) || 120;
    var left = Math.min(idle, absolute);
    var absoluteFirst = absolute <= idle;
    warnTimer = setTimeout(function () { show(absoluteFirst); }, Math.max(left - warning, 0) * 1000);
    // At the end, reload: the server answers with the sign-in page, and the personal data
    // on screen goes away.
    endTimer = setTimeout(function () { window.location.reload(); }, (left + 1) * 1000);
  }

  function show(absoluteFirst) {
    box.querySelector("[data-session-idle-text]").hidden = absoluteFirst;
    box.querySelector("[data-session-absolute-text]").hidden = !absoluteFirst;
    box.querySelector("[data-session-keep-alive]").hidden = absoluteFirst;
    box.hidden = false;
  }

  function keepAlive() {
    fetch(box.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      redirect: "manual"
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("session ended");
      }
      return response.json();
    }).then(function (left) {
      schedule(left.idle_seconds, left.absolute_seconds);
    }).catch(function () {
      window.location.reload();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("session-warning");
    if (!box) {
      return;
    }
    var absolute = parseInt(box.dataset.absoluteSeconds, 10);
    var idleLimit = parseInt(box.dataset.idleSeconds, 10);
    var loadedAt = Date.now();
    schedule(idleLimit, absolute);
    box.querySelector("[data-session-keep-alive]").addEventListener("click", keepAlive);
    // An htmx request is activity too: the idle clock restarts, the absolute one runs on.
    document.addEventListener("htmx:afterRequest", function () {
      var elapsed = (Date.now() - loadedAt) / 1000;
      schedule(idleLimit, absolute - elapsed);
    });
  });
})();
