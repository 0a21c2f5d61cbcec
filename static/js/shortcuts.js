// Keyboard shortcuts of the agent workspace (listed in the "?" overlay, templates/helpdesk/_shortcuts.html).
// Queue: j/k move through the rows, Enter or o opens the selected one, / goes to the search.
// Ticket: r reply, n note, s solve (Solved chosen in the status, Enter confirms), a assign to me,
// ] and [ the next and previous ticket of the queue last seen. Nothing happens while typing in a field.
(function () {
  "use strict";

  const ORDER_KEY = "helpdesk.queue-order";

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  // --- The help overlay: a modal dialog, focus kept inside, Esc closes it (the dialog's own cancel).
  function helpDialog() {
    return document.getElementById("shortcuts-help");
  }

  function focusables(container) {
    return Array.from(
      container.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])"),
    );
  }

  let openedFrom = null;
  function openHelp() {
    const dialog = helpDialog();
    if (!dialog || dialog.open) return;
    openedFrom = document.activeElement;
    dialog.showModal();
    const first = focusables(dialog)[0];
    if (first) first.focus();
  }

  document.addEventListener("close", (event) => {
    if (event.target === helpDialog() && openedFrom instanceof HTMLElement) openedFrom.focus();
  }, true);

  document.addEventListener("keydown", (event) => {
    const dialog = helpDialog();
    if (!dialog || !dialog.open || event.key !== "Tab") return;
    const items = focusables(dialog);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  // --- The queue
  function queueRows() {
    return Array.from(document.querySelectorAll(".queue-table tbody tr[data-ticket]"));
  }

  function rememberQueueOrder() {
    const rows = queueRows();
    if (!rows.length) return;
    try {
      sessionStorage.setItem(ORDER_KEY, JSON.stringify(rows.map((row) => row.dataset.ticket)));
    } catch (error) {
      // storage refused (private mode): next/previous then go back to the queue
    }
  }

  function selectRow(step) {
    const rows = queueRows();
    if (!rows.length) return;
    let index = rows.findIndex((row) => row.classList.contains("kb-current"));
    rows.forEach((row) => row.classList.remove("kb-current"));
    index = index < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, index + step));
    const row = rows[index];
    row.classList.add("kb-current");
    const link = row.querySelector("a");
    if (link) link.focus({ preventScroll: false });
  }

  function openSelectedRow() {
    const row = document.querySelector(".queue-table tr.kb-current");
    const link = row && row.querySelector("a");
    if (link) window.location.assign(link.href);
  }

  // --- The ticket page
  function currentTicketId() {
    const match = window.location.pathname.match(/^\/tickets\/(\d+)\/$/);
    return match ? match[1] : null;
  }

  function goToNeighbour(step) {
    const id = currentTicketId();
    let order = [];
    try {
      order = JSON.parse(sessionStorage.getItem(ORDER_KEY) || "[]");
    } catch (error) {
      order = [];
    }
    const index = order.indexOf(id);
    const next = index >= 0 ? order[index + step] : undefined;
    window.location.assign(next ? `/tickets/${next}/` : "/queue/");
  }

  function focusComposer(boxId) {
    const box = document.getElementById(boxId);
    const textarea = box && box.querySelector("textarea");
    if (!textarea) return false;
    textarea.scrollIntoView({ block: "center" });
    textarea.focus();
    return true;
  }

  function prepareSolve() {
    const select = document.querySelector("#ticket-properties select[name='status']");
    if (!select || !Array.from(select.options).some((option) => option.value === "solved")) return false;
    select.value = "solved";
    const button = select.form && select.form.querySelector("button[type='submit']");
    if (button) {
      button.classList.remove("js-hide");
      button.focus();
    } else {
      select.focus();
    }
    return true;
  }

  function assignToMe() {
    const button = document.querySelector("#ticket-properties form.take button[type='submit']");
    if (!button) return false;
    button.click();
    return true;
  }

  const queueKeys = {
    j: () => selectRow(1),
    k: () => selectRow(-1),
    o: openSelectedRow,
    Enter: () => {
      if (!document.querySelector(".queue-table tr.kb-current")) return false;
      openSelectedRow();
      return true;
    },
    "/": () => {
      const search = document.getElementById("id_q");
      if (!search) return false;
      search.focus();
      return true;
    },
  };
  const ticketKeys = {
    r: () => focusComposer("reply-box"),
    n: () => focusComposer("note-box"),
    s: prepareSolve,
    a: assignToMe,
    "]": () => goToNeighbour(1),
    "[": () => goToNeighbour(-1),
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const dialog = helpDialog();
    if (dialog && dialog.open) return; // the dialog handles its own keys (Esc, Tab)
    if (isTyping(event.target)) return;
    if (event.key === "?") {
      event.preventDefault();
      openHelp();
      return;
    }
    let keys = null;
    if (document.querySelector(".queue-table")) keys = queueKeys;
    else if (document.getElementById("reply-box") || document.getElementById("ticket-properties")) keys = ticketKeys;
    // Enter on a focused link or button keeps its own meaning.
    if (event.key === "Enter" && event.target instanceof Element && event.target.closest("a, button")) return;
    const action = keys && keys[event.key];
    if (!action) return;
    if (action() !== false) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", rememberQueueOrder);
  document.addEventListener("htmx:afterSwap", rememberQueueOrder);
})();
