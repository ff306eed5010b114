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

  // Search as you type: titles from the server, keyboard-navigable (a plain form without JS).
  const enhanceSuggest = () => {
    const input = document.querySelector("[data-suggest-url]");
    const list = document.getElementById(input?.getAttribute("aria-controls") ?? "");
    if (!input || !list) return;
    let timer = null;
    let active = -1;
    let latest = 0;
    const options = () => Array.from(list.querySelectorAll("[role=option]"));
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (index) => {
      const items = options();
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (items[index]) input.setAttribute("aria-activedescendant", items[index].id);
    };
    const show = (results) => {
      list.replaceChildren();
      results.forEach((result, i) => {
        const item = document.createElement("li");
        item.id = `suggestion-${i}`;
        item.setAttribute("role", "option");
        const link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title;
        const meta = document.createElement("span");
        meta.className = "suggestion-meta";
        meta.textContent = result.meta;
        item.append(link, meta);
        list.append(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
      active = -1;
    };
    const fetchSuggestions = async () => {
      const text = input.value.trim();
      const ticket = ++latest;
      if (text.length < 2) return close();
      try {
        const url = `${input.dataset.suggestUrl}?q=${encodeURIComponent(text)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok || ticket !== latest) return;
        show((await response.json()).results);
      } catch {
        close();
      }
    };
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", (event) => {
      const items = options();
      if (list.hidden || items.length === 0) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].querySelector("a").href);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => window.setTimeout(close, 150));
  };

  document.documentElement.classList.add("js");
  enhanceSuggest();
  enhanceVotes();
  enhancePreview();
  enhanceAutosubmit();
})();

// Comment replies: the "reply" link opens a reply form under the comment, in place.
// Without this, the link loads the page with that same form rendered by the server.
(() => {
  "use strict";

  const mainForm = () => document.querySelector("form[data-comment-form]");

  const replyForm = (template, parentId) => {
    const form = template.cloneNode(true);
    form.removeAttribute("data-comment-form");
    form.id = `reply-${parentId}`;
    form.querySelectorAll(".field-error, .form-errors").forEach((node) => node.remove());
    form.querySelector("input[name=parent]").value = parentId;
    const textarea = form.querySelector("textarea");
    textarea.value = "";
    textarea.id = `reply-source-${parentId}`;
    const label = form.querySelector("label");
    label.htmlFor = textarea.id;
    label.textContent = "Your reply";
    const button = form.querySelector("button[type=submit]");
    button.textContent = "Post reply";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", () => form.remove());
    button.after(" ", cancel);
    return form;
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-reply-to]");
    const template = mainForm();
    if (!link || !template) return;
    const parentId = link.dataset.replyTo;
    const comment = document.getElementById(`comment-${parentId}`);
    if (!comment) return;
    event.preventDefault();
    let form = document.getElementById(`reply-${parentId}`);
    if (!form) {
      form = replyForm(template, parentId);
      const body = comment.querySelector(":scope > .comment-body");
      (body ?? comment.firstElementChild).after(form);
    }
    form.querySelector("textarea").focus();
  });
})();

// Collections: drag papers to reorder them (or into another heading). The move
// buttons keep working; this only posts the whole new order to the JSON endpoint.
(() => {
  "use strict";

  const board = document.querySelector(".collection-order[data-order-url]");
  if (!board) return;
  const token = board.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
  let dragged = null;

  const currentOrder = () => {
    const groups = [...board.querySelectorAll(".order-group")];
    const items = {};
    for (const group of groups) {
      items[group.dataset.sectionId] = [...group.querySelectorAll(".edit-item")].map((li) =>
        Number(li.dataset.itemId),
      );
    }
    const sections = groups.map((group) => group.dataset.sectionId).filter(Boolean).map(Number);
    return { sections, items };
  };

  board.addEventListener("dragstart", (event) => {
    dragged = event.target.closest?.(".edit-item");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    dragged.classList.add("dragging");
  });

  board.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const list = event.target.closest?.(".edit-items");
    if (!list) return;
    event.preventDefault();
    const over = event.target.closest(".edit-item");
    if (over && over !== dragged) {
      const box = over.getBoundingClientRect();
      over[event.clientY < box.top + box.height / 2 ? "before" : "after"](dragged);
    } else if (!over) {
      list.append(dragged);
    }
  });

  board.addEventListener("dragend", async () => {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    try {
      await fetch(board.dataset.orderUrl, {
        method: "POST",
        body: JSON.stringify(currentOrder()),
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
      });
    } finally {
      // Saved or not, show the order the server has (and the move buttons' edges).
      window.location.reload();
    }
  });
})();

// == layout (phones, header, theme toggle) ==

// == math ==

// == history diff ==

// == editor and own-summary actions ==

// == figures ==

// == accounts voice, busy states, error pages ==

// == home, cards, paper page ==

// == search ==
