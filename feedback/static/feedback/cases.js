// Case library: "Use as reply draft" puts the case's solution into the ticket's reply box.
// Without JavaScript the button is a link to the ticket page (?draft=<case id>).
(() => {
  if (window.feedbackCasesReady) return;
  window.feedbackCasesReady = true;

  function insertDraft(textarea, text) {
    const typed = textarea.value.replace(/\s+$/, "");
    textarea.value = typed ? `${typed}\n\n${text}` : text;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
    textarea.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-case-insert]");
    if (!button) return;
    const textarea = document.getElementById(button.getAttribute("data-case-insert"));
    if (!textarea) return;
    event.preventDefault();
    insertDraft(textarea, button.getAttribute("data-text") || "");
  });
})();
