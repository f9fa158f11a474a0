// Small behaviours without inline script (the Content-Security-Policy forbids inline code).
// docs/accessibility.md says why each is here.

// A select that chooses what the page shows changes nothing until its form's button is pressed, or
// Enter on the select (WCAG 3.2.2: choosing with the arrow keys must not switch the page).
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("select[data-submit-on-enter]")) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

// The skip link moves the focus into the page without adding "#main" to the address: a form posted
// from an address with a fragment comes back scrolled to it, with the focus taken off its errors.
document.addEventListener("click", function (event) {
  const link = event.target.closest(".skip-link");
  if (!link) return;
  const target = document.querySelector(link.getAttribute("href"));
  event.preventDefault();
  target.setAttribute("tabindex", "-1");
  target.focus();
});

// After a submit the server refused, focus goes to the form's error summary, or else to its first
// invalid field, so that a keyboard or screen reader user starts where the problem is.
function focusFirstError(root) {
  for (const form of root.querySelectorAll("form")) {
    const summary = form.querySelector(".alert-danger, .errorlist.nonfield");
    const field = form.querySelector(
      "input.is-invalid, select.is-invalid, textarea.is-invalid, .is-invalid input, .is-invalid select, .is-invalid textarea"
    );
    const target = summary || field;
    if (target) {
      if (target === summary) target.setAttribute("tabindex", "-1");
      target.focus();
      return;
    }
  }
}

// A table that scrolls sideways is a stop on the Tab key, named by its caption or heading, so that it
// can be scrolled with the arrow keys; one that fits is no stop at all.
function markScrollRegions(root) {
  for (const region of root.querySelectorAll(".table-responsive")) {
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    if (!scrolls) {
      if (region.dataset.scrollRegion) {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
      }
      continue;
    }
    region.dataset.scrollRegion = "1";
    region.setAttribute("tabindex", "0");
    region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      region.setAttribute("aria-label", regionName(region));
    }
  }
}

function regionName(region) {
  const caption = region.querySelector("caption");
  if (caption) return caption.textContent.trim();
  // The nearest heading before the table: in its card or section, or else the page's.
  for (let box = region.parentElement; box && box !== document.body; box = box.parentElement) {
    const heading = box.querySelector("h1, h2, h3, h4, h5, h6, .card-header");
    if (heading && heading.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING) {
      return heading.textContent.trim();
    }
  }
  return document.title;
}

document.addEventListener("DOMContentLoaded", function () {
  focusFirstError(document);
  markScrollRegions(document);
});
window.addEventListener("resize", function () {
  markScrollRegions(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  focusFirstError(event.detail.elt);
  markScrollRegions(event.detail.elt);
});
