// Activity pages: the attendee picker and confirmations (no inline script: the CSP forbids it).
(function () {
  "use strict";

  function updateCount(picker) {
    var badge = picker.querySelector("[data-attendee-count]");
    if (!badge) return;
    var present = 0;
    picker.querySelectorAll("select.attendee-status").forEach(function (select) {
      if (select.value === "present") present += 1;
    });
    badge.textContent = present;
  }

  function setAll(scope, value) {
    scope.querySelectorAll("select.attendee-status").forEach(function (select) {
      select.value = value;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick], [data-pick-branch]");
    if (button) {
      var picker = button.closest("[data-attendee-picker]");
      if (button.hasAttribute("data-pick-branch")) {
        setAll(button.closest("[data-branch]"), button.getAttribute("data-pick-branch"));
      } else {
        setAll(picker, button.getAttribute("data-pick"));
      }
      updateCount(picker);
      return;
    }
    var confirming = event.target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select.attendee-status")) {
      updateCount(event.target.closest("[data-attendee-picker]"));
    }
  });

  document.querySelectorAll("[data-attendee-picker]").forEach(updateCount);
})();
