// Show only the fields the chosen kind of compensation needs; without script every field shows.
(function () {
  function sync(form) {
    const kind = form.querySelector("select[name=kind]");
    if (!kind) return;
    form.querySelectorAll("[data-kinds]").forEach((group) => {
      group.hidden = !group.dataset.kinds.split(" ").includes(kind.value);
    });
  }
  function init(root) {
    root.querySelectorAll("form[data-compensation-form]").forEach((form) => {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      form.addEventListener("change", (event) => {
        if (event.target.name === "kind") sync(form);
      });
      sync(form);
    });
  }
  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.target));
})();
