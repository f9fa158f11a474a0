// The print view's button: the browser's own dialog prints the summary or saves it as PDF.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-summary");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
});
