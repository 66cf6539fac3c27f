// Long form submissions (imports): disable the button and say, where screen readers hear it
// too, that the work is in progress.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.busy;
  if (!message || event.defaultPrevented) return;
  const button = event.submitter || form.querySelector("[type=submit]");
  if (button) {
    button.disabled = true;
    button.insertAdjacentHTML(
      "afterbegin",
      '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>',
    );
  }
  const status = form.querySelector("[data-busy-status]");
  if (status) status.textContent = message;
});
