// Progressive enhancement only: every page works without this file.
(() => {
  "use strict";

  const csrfToken = (form) => form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";

  // Voting: submit the same form with fetch and update the score in place.
  const enhanceVotes = () => {
    document.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!form.matches(".vote-form")) return;
      event.preventDefault();
      const button = event.submitter;
      const body = new FormData(form);
      if (button?.name) body.set(button.name, button.value);
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body,
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        const data = await response.json();
        if (!response.ok) {
          window.alert(data.detail || "Your vote could not be saved.");
          return;
        }
        form.querySelector("[data-score]").textContent = data.score;
        const up = form.querySelector(".vote-up");
        const down = form.querySelector(".vote-down");
        up.setAttribute("aria-pressed", String(data.my_vote === 1));
        down.setAttribute("aria-pressed", String(data.my_vote === -1));
        up.value = data.my_vote === 1 ? "clear" : "up";
        down.value = data.my_vote === -1 ? "clear" : "down";
      } catch {
        form.submit();
      }
    });
  };

  // Live preview: render on the server with the same renderer, a moment after typing stops.
  const enhancePreview = () => {
    const preview = document.querySelector("[data-preview]");
    const source = document.querySelector("[data-preview-source]");
    if (!preview || !source) return;
    const form = source.closest("form");
    let timer = null;
    let latest = 0;
    const refresh = async () => {
      const ticket = ++latest;
      const body = new FormData();
      body.set("source", source.value);
      try {
        const response = await fetch(preview.dataset.previewUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        if (!response.ok || ticket !== latest) return;
        preview.innerHTML = await response.text(); // sanitised by the server's renderer
      } catch {
        /* offline: keep the last preview; the Preview button still works */
      }
    };
    source.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    if (source.value.trim()) refresh();
  };

  // Selects marked data-autosubmit submit their form on change.
  const enhanceAutosubmit = () => {
    document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => select.form.submit());
    });
  };

  document.documentElement.classList.add("js");
  enhanceVotes();
  enhancePreview();
  enhanceAutosubmit();
})();
