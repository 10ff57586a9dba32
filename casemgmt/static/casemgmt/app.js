// casemgmt: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Move focus to the first error summary so keyboard and screen-reader users hear it.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // An "Add" form loaded by opening its button: start on its first field.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches(".add-record form")) {
      var field = elt.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        field.focus();
      }
    }
  });

  // After htmx swaps in a section, focus its error summary or its success message.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector) {
      return;
    }
    var swapped = document.getElementById(target.id) || target;
    var summary = swapped.querySelector(".error-summary");
    if (summary) {
      var details = summary.closest("details");
      if (details) {
        details.open = true;
      }
      summary.focus();
      return;
    }
    var status = swapped.querySelector("[role=status]");
    if (status) {
      status.setAttribute("tabindex", "-1");
      status.focus();
    }
  });
})();
