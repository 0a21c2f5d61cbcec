// Bulk actions on the queue: "select all on this page", the count of ticked rows, and only the
// value input of the chosen action shown. Without JavaScript every input shows and the form still works.
function bulkForm() {
  return document.getElementById("bulk-form");
}

function bulkRefresh() {
  const form = bulkForm();
  if (!form) return;
  const boxes = document.querySelectorAll('input[name="ticket"][form="bulk-form"]');
  const ticked = Array.from(boxes).filter((box) => box.checked).length;
  const count = form.querySelector("[data-bulk-count]");
  if (count) count.textContent = String(ticked);
  const all = document.querySelector("[data-bulk-all]");
  if (all) {
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  const kind = form.querySelector("[data-bulk-kind]");
  form.querySelectorAll("[data-bulk-value]").forEach((label) => {
    label.hidden = kind && label.getAttribute("data-bulk-value") !== kind.value;
  });
}

document.addEventListener("change", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) return;
  if (el.hasAttribute("data-bulk-all")) {
    document.querySelectorAll('input[name="ticket"][form="bulk-form"]').forEach((box) => {
      box.checked = el.checked;
    });
  }
  if (el.hasAttribute("data-bulk-all") || el.name === "ticket") {
    const selected = bulkForm() && bulkForm().querySelector('input[name="scope"][value="selected"]');
    if (selected) selected.checked = true;
  }
  bulkRefresh();
});
document.addEventListener("DOMContentLoaded", bulkRefresh);
document.addEventListener("htmx:afterSettle", bulkRefresh);
