// Small behaviours of the agent workspace; every page works without them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.requestSubmit();
  }
});

document.documentElement.classList.add("js");

// Form errors come back as 422 with the form re-rendered: show them like a success.
// Other failures are not swapped in; a hidden notice on the page is shown instead.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

function showRequestFailure() {
  const notice = document.querySelector("[data-htmx-error]");
  if (notice) notice.hidden = false;
}
document.addEventListener("htmx:responseError", showRequestFailure);
document.addEventListener("htmx:sendError", showRequestFailure);

// Canned replies: put the chosen text (already in the ticket's language, placeholders
// filled in) into the reply box, replacing a selection or after what is typed.
function insertText(textarea, text) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  if (start !== end) {
    textarea.value = value.slice(0, start) + text + value.slice(end);
  } else {
    const typed = value.replace(/\s+$/, "");
    textarea.value = typed ? `${typed}\n\n${text}` : text;
  }
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.focus();
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-canned-insert]");
  if (!button) return;
  const container = button.closest("[data-canned]");
  const select = container && container.querySelector("select");
  const option = select && select.selectedOptions[0];
  const textarea = document.getElementById(button.getAttribute("data-canned-insert"));
  if (!textarea) return;
  event.preventDefault();
  if (option && option.value) insertText(textarea, option.dataset.text || "");
});

// Live SLA countdowns: every element with data-deadline (ISO time) shows the time left, or how late.
function formatLeft(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const mmss = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s).padStart(2, "0")}`;
  return h ? `${h}:${mmss}` : mmss;
}
function tickDeadlines() {
  const now = Date.now();
  document.querySelectorAll("[data-deadline]").forEach((el) => {
    const due = Date.parse(el.dataset.deadline);
    if (Number.isNaN(due)) return;
    const left = due - now;
    const late = left < 0;
    el.textContent = (late ? "−" : "") + formatLeft(left);
    el.classList.toggle("sla-breached", late);
  });
}
setInterval(tickDeadlines, 1000);
document.addEventListener("DOMContentLoaded", tickDeadlines);
