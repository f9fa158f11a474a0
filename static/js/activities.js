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

  // The hours follow the time span (09:00–11:30 → 2.5) until the recorder types their own; the
  // form does the same on the server when the field is left empty.
  function fillHours(form) {
    var start = form.querySelector("input[name=start_time]");
    var end = form.querySelector("input[name=end_time]");
    var hours = form.querySelector("input[name=hours]");
    if (!start || !end || !hours || !start.value || !end.value) return;
    if (hours.value && hours.dataset.filled !== hours.value) return;
    var toMinutes = function (value) {
      var parts = value.split(":");
      return Number(parts[0]) * 60 + Number(parts[1]);
    };
    var minutes = toMinutes(end.value) - toMinutes(start.value);
    if (minutes <= 0) return;
    hours.value = String(Math.round(minutes / 6) / 10);
    hours.dataset.filled = hours.value;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name=start_time], input[name=end_time]") && event.target.form) {
      fillHours(event.target.form);
    }
    if (event.target.matches("select.attendee-status")) {
      updateCount(event.target.closest("[data-attendee-picker]"));
    }
  });

  document.querySelectorAll("[data-attendee-picker]").forEach(updateCount);
})();
