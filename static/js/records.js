// Rectification, plans and norms pages: small behaviours, no inline script (CSP).
(function () {
  "use strict";

  // Plans page: the "open" link follows the chosen year.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-plan-year]");
    if (!select) return;
    var link = document.getElementById("plan-open");
    if (link) {
      link.href = select.dataset.urlTemplate.replace("/2000/", "/" + select.value + "/");
    }
  });

  // Forms that delete something ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
