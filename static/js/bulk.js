// Bulk actions on the queue: "select all on this page" and the count of ticked rows. Without
// JavaScript the rows are ticked one by one and the form works the same.
function bulkBoxes() {
  return Array.from(document.querySelectorAll('input[name="ticket"][form="bulk-form"]'));
}

function bulkRefresh() {
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const boxes = bulkBoxes();
  const ticked = boxes.filter((box) => box.checked).length;
  const count = form.querySelector("[data-bulk-count]");
  if (count) count.textContent = String(ticked);
  const all = document.querySelector("[data-bulk-all]");
  if (all) {
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
}

document.addEventListener("change", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement)) return;
  if (el.hasAttribute("data-bulk-all")) {
    bulkBoxes().forEach((box) => {
      box.checked = el.checked;
    });
  }
  if (el.hasAttribute("data-bulk-all") || el.name === "ticket") {
    const selected = document.querySelector('#bulk-form input[name="scope"][value="selected"]');
    if (selected) selected.checked = true;
    bulkRefresh();
  }
});
document.addEventListener("DOMContentLoaded", bulkRefresh);
document.addEventListener("htmx:afterSettle", bulkRefresh);
