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

  // Selects marked data-autosubmit submit their form on change.
  const enhanceAutosubmit = () => {
    document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => select.form.submit());
    });
  };

  // Search as you type: titles from the server, keyboard-navigable (a plain form without JS).
  // Every box with data-suggest-url (the header's, or the search page's own).
  const enhanceSuggest = (input) => {
    const list = document.getElementById(input.getAttribute("aria-controls") ?? "");
    if (!list) return;
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
        item.id = `${list.id}-${i}`;
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
  document.querySelectorAll("[data-suggest-url]").forEach(enhanceSuggest);
  enhanceVotes();
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

// The theme toggle: follow the system, light or dark, remembered in this browser only
// (theme.js applies it before the first paint). Signed-out pages come from a shared
// cache, so the choice never reaches the server.
(() => {
  "use strict";

  const KEY = "precis-theme";
  const CHOICES = [
    { value: "system", label: "Auto", name: "follows your system" },
    { value: "light", label: "Light", name: "light" },
    { value: "dark", label: "Dark", name: "dark" },
  ];
  const ICONS = {
    system: '<circle cx="12" cy="12" r="8"/><path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor"/>',
    light: '<circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>',
    dark: '<path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z"/>',
  };
  const button = document.querySelector("[data-theme-toggle]");
  if (!button) return;

  const stored = () => {
    try {
      return window.localStorage.getItem(KEY) ?? "system";
    } catch {
      return "system";
    }
  };
  const show = (value) => {
    const choice = CHOICES.find((c) => c.value === value) ?? CHOICES[0];
    const svg = `<svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">${ICONS[choice.value]}</svg>`;
    button.innerHTML = `${svg}<span class="theme-label">Theme: ${choice.label}</span>`;
    button.title = `Colour theme: ${choice.name}. Click to change.`;
    button.dataset.theme = choice.value;
  };
  const apply = (value) => {
    if (value === "light" || value === "dark") document.documentElement.dataset.theme = value;
    else delete document.documentElement.dataset.theme;
    try {
      if (value === "system") window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, value);
    } catch {
      /* storage refused: the choice lasts for this page only */
    }
    show(value);
  };

  button.addEventListener("click", () => {
    const index = CHOICES.findIndex((c) => c.value === button.dataset.theme);
    apply(CHOICES[(index + 1) % CHOICES.length].value);
  });
  // Another tab changed it: follow along.
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    const value = event.newValue ?? "system";
    if (value === "light" || value === "dark") document.documentElement.dataset.theme = value;
    else delete document.documentElement.dataset.theme;
    show(value);
  });
  show(stored());
  button.closest("[hidden]")?.removeAttribute("hidden");
})();

// Boxes that scroll sideways (wide display math, tables, code, the preview) take keyboard
// focus, so they can be scrolled without a mouse. Only those that overflow now: the rest
// stay out of the tab order. Checked again when fonts arrive, the window resizes or the
// live preview changes.
(() => {
  "use strict";

  const SCROLLERS = "main math, main pre, main table, main .preview, main .math-display";
  const mark = () => {
    for (const box of document.querySelectorAll(SCROLLERS)) {
      if (box.closest("a, button")) continue; // no focusable box inside a link or button
      const scrolls =
        box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(box).overflowX);
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    }
  };
  let timer = null;
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(mark, 150);
  };
  mark();
  document.fonts?.ready.then(mark);
  window.addEventListener("resize", later);
  document.querySelectorAll("[data-preview]").forEach((preview) => {
    new MutationObserver(mark).observe(preview, { childList: true });
  });
})();

// Header menus (<details data-dropdown>): they open and close without JavaScript; this
// closes them on Escape, on a click elsewhere, and when another one opens.
(() => {
  "use strict";

  const menus = () => Array.from(document.querySelectorAll("details[data-dropdown][open]"));
  document.addEventListener("click", (event) => {
    for (const menu of menus()) {
      if (!menu.contains(event.target)) menu.open = false;
    }
  });
  // Tabbing (or clicking into the search box) past a menu closes it.
  document.addEventListener("focusin", (event) => {
    for (const menu of menus()) {
      if (!menu.contains(event.target)) menu.open = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = menus().filter((menu) => menu.contains(document.activeElement) || menu.matches(":hover"));
    const menu = open.at(-1) ?? menus().at(-1);
    if (!menu) return;
    menu.open = false;
    menu.querySelector(":scope > summary")?.focus();
  });
})();

// == math ==
// A formula wider than its column scrolls sideways in its own box. The server makes
// every display box, and every long inline formula, keyboard-reachable (tabindex=0),
// which works without this; here, those that fit leave the tab order, and any inline
// formula that scrolls joins it.
// Measured again when the math font arrives, on resize, and when a preview re-renders.
(() => {
  "use strict";

  const BOXES = ".math-display, math:not([display=block])";
  const measure = (root) => {
    for (const box of root.querySelectorAll(BOXES)) {
      if (box.closest(".math-display") && !box.matches(".math-display")) continue;
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (box.matches(".math-display")) {
        box.tabIndex = scrolls ? 0 : -1;
      } else if (scrolls) {
        box.tabIndex = 0; // no aria-label: that would hide the formula from screen readers
      } else {
        box.removeAttribute("tabindex");
      }
    }
  };
  if (!document.querySelector(BOXES) && !document.querySelector("[data-preview]")) return;
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      measure(document);
    });
  };
  soon();
  document.fonts?.ready.then(soon);
  window.addEventListener("resize", soon);
  for (const preview of document.querySelectorAll("[data-preview]")) {
    new MutationObserver(soon).observe(preview, { childList: true });
  }
})();

// == history diff ==

// == editor and own-summary actions ==
// The summary editor: a formatting toolbar, a word count, the live preview with a busy
// state, and drafts autosaved on the server (a few seconds after typing stops, and by
// sendBeacon as the page is hidden or left). Without this file the form still saves,
// previews, and keeps a draft whenever Preview is pressed.
(() => {
  "use strict";

  const editor = document.querySelector("form[data-editor]");
  const source = editor?.querySelector("[data-preview-source]");
  if (!editor || !source) return;
  const token = editor.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
  const preview = editor.querySelector("[data-preview]");
  const previewBusy = editor.querySelector("[data-preview-busy]");
  const wordCount = editor.querySelector("[data-word-count]");
  const draftStatus = editor.querySelector("[data-draft-status]");
  const alertBox = editor.querySelector("[data-editor-alert]");
  const toolbar = editor.querySelector("[data-editor-toolbar]");

  const describe = (element) => {
    element.hidden = false;
    const ids = (source.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    if (!ids.includes(element.id)) source.setAttribute("aria-describedby", [...ids, element.id].join(" "));
  };
  const localTime = (iso) =>
    new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const localDateTime = (iso) =>
    new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  // ``kind`` "error" goes at the next good save; a "notice" (another tab) stays.
  const tell = (message, kind = "error") => {
    alertBox.textContent = message;
    alertBox.hidden = !message;
    alertBox.dataset.kind = message ? kind : "";
  };

  // -- toolbar: Markdown and math at the cursor ------------------------------------

  // Replaces the selection with ``text`` and selects ``text.slice(from, to)``.
  // execCommand keeps the browser's own undo history; setRangeText where it is gone.
  const insert = (text, from, to) => {
    source.focus();
    const start = source.selectionStart;
    if (!document.execCommand?.("insertText", false, text)) {
      source.setRangeText(text, source.selectionStart, source.selectionEnd, "end");
      source.dispatchEvent(new Event("input", { bubbles: true }));
    }
    source.setSelectionRange(start + from, start + to);
  };
  const selection = () => source.value.slice(source.selectionStart, source.selectionEnd);

  const wrap = (before, after, placeholder) => {
    const text = selection() || placeholder;
    insert(before + text + after, before.length, before.length + text.length);
  };

  // Starts each selected line (or the cursor's line) with ``prefix``.
  const prefixLines = (prefix, placeholder, { firstLineOnly = false } = {}) => {
    const { value } = source;
    const lineStart = value.lastIndexOf("\n", source.selectionStart - 1) + 1;
    source.setSelectionRange(lineStart, source.selectionEnd);
    const selected = selection();
    if (!selected.trim()) {
      insert(prefix + placeholder, prefix.length, prefix.length + placeholder.length);
      return;
    }
    const lines = selected.split("\n");
    const text = lines
      .map((line, i) => (line.trim() && (!firstLineOnly || i === 0) ? prefix + line.replace(/^#+\s*/, "") : line))
      .join("\n");
    insert(text, text.length, text.length);
  };

  // Puts ``open``, the selection (or a placeholder) and ``close`` on lines of their own.
  const block = (open, close, placeholder) => {
    const { value, selectionStart: start, selectionEnd: end } = source;
    const text = selection() || placeholder;
    const before = value.slice(0, start);
    const lead = start === 0 || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const after = value.slice(end);
    const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : after ? "\n\n" : "\n";
    const head = `${lead}${open}\n`;
    insert(`${head}${text}\n${close}${trail}`, head.length, head.length + text.length);
  };

  const actions = {
    bold: () => wrap("**", "**", "bold text"),
    italic: () => wrap("*", "*", "italic text"),
    heading: () => prefixLines("## ", "Heading", { firstLineOnly: true }),
    link: () => {
      const text = selection();
      if (text) insert(`[${text}](https://)`, text.length + 3, text.length + 11);
      else insert("[link text](https://)", 1, 10);
    },
    list: () => prefixLines("- ", "item"),
    quote: () => prefixLines("> ", "quoted words"),
    code: () => (selection().includes("\n") ? block("```", "```", "code") : wrap("`", "`", "code")),
    math: () => wrap("$", "$", "x_1"),
    "display-math": () => block("$$", "$$", "\\sum_i x_i"),
    cite: () => wrap("\\cite{", "}", "bibtexKey"),
  };
  const shortcuts = { b: "bold", i: "italic", k: "link" };

  if (toolbar) {
    const buttons = [...toolbar.querySelectorAll("button[data-insert]")];
    // One tab stop for the whole toolbar; the arrow keys move along it (ARIA toolbar).
    buttons.forEach((button, i) => button.setAttribute("tabindex", i === 0 ? "0" : "-1"));
    toolbar.hidden = false;
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-insert]");
      if (button) actions[button.dataset.insert]?.();
    });
    toolbar.addEventListener("keydown", (event) => {
      const index = buttons.indexOf(document.activeElement);
      if (index < 0) return;
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = buttons[(next + buttons.length) % buttons.length];
      buttons.forEach((button) => button.setAttribute("tabindex", button === target ? "0" : "-1"));
      target.focus();
    });
  }
  source.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const action = shortcuts[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    actions[action]();
  });

  // -- word count against the about page's advice ----------------------------------

  const [fewest, most] = [Number(editor.dataset.wordsMin), Number(editor.dataset.wordsMax)];
  // Words as a reader sees them: no markup, a link's text but not its address, and a
  // formula, a citation or a piece of code as one word each.
  const countWords = (text) => {
    const prose = text
      .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm, " code ")
      .replace(/\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|\$[^$\n]+\$/g, " formula ")
      .replace(/\\cite[pt]?\{[^{}\n]*\}/g, " cited ")
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[\^[^\]]*\]:?/g, " ")
      .replace(/`[^`\n]+`/g, " code ")
      .replace(/<[^>\n]+>/g, " ")
      .replace(/\b(?:https?|ftp):\/\/\S+/g, " link ");
    return (prose.match(/[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*/gu) ?? []).length;
  };
  const showWordCount = () => {
    const count = countWords(source.value);
    const words = `${count.toLocaleString()} word${count === 1 ? "" : "s"}`;
    let range = "within";
    let message = `${words}: a good length (most good summaries are ${fewest} to ${most}).`;
    if (count < fewest) {
      range = "under";
      message = `${words}. Most good summaries are ${fewest} to ${most} words.`;
    } else if (count > most) {
      range = "over";
      message = `${words}. Most good summaries stay within ${most}; is there something a reader could do without?`;
    }
    wordCount.textContent = message;
    wordCount.dataset.range = range;
  };
  if (wordCount) {
    describe(wordCount);
    showWordCount();
    source.addEventListener("input", showWordCount);
  }

  // -- live preview, rendered on the server exactly as the saved page ---------------

  let previewTimer = null;
  let previewTicket = 0;
  const previewButton = editor.querySelector("button[name=preview]");
  const setBusy = (button, busy) => {
    if (!button) return;
    button.dataset.label ??= button.textContent;
    button.textContent = busy ? button.dataset.busyLabel || button.dataset.label : button.dataset.label;
    if (busy) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  };
  const refreshPreview = async ({ button = null } = {}) => {
    if (!preview) return;
    const ticket = ++previewTicket;
    preview.setAttribute("aria-busy", "true");
    if (previewBusy) previewBusy.hidden = false;
    setBusy(button, true);
    try {
      const response = await fetch(preview.dataset.previewUrl, {
        method: "POST",
        body: new URLSearchParams({ source: source.value }),
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
      });
      if (ticket !== previewTicket) return;
      if (response.ok) {
        preview.innerHTML = await response.text(); // sanitised by the server's renderer
      } else if (response.status === 429) {
        tell("The preview is paused for a moment: too many previews in a minute. Your text is safe.");
      }
    } catch {
      /* offline: keep the last preview; the text and its draft are untouched */
    } finally {
      if (ticket === previewTicket) {
        preview.removeAttribute("aria-busy");
        if (previewBusy) previewBusy.hidden = true;
      }
      setBusy(button, false);
    }
  };
  if (preview) {
    source.addEventListener("input", () => {
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(refreshPreview, 400);
    });
    previewButton?.addEventListener("click", (event) => {
      event.preventDefault();
      window.clearTimeout(previewTimer);
      refreshPreview({ button: previewButton }).then(() =>
        preview.scrollIntoView({ block: "nearest", behavior: "smooth" }),
      );
    });
    if (source.value.trim()) refreshPreview();
  }

  // -- drafts autosaved on the server -----------------------------------------------

  const AUTOSAVE_AFTER_MS = 2000; // after typing stops
  const LONGEST_UNSAVED_MS = 20000; // however long the typing goes on
  const RETRY_AFTER_MS = 15000;
  const draftUrl = editor.dataset.draftUrl;
  // Any short token: it tells this tab's saves from another tab's.
  const tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  let version = Number(editor.dataset.draftVersion) || 0;
  const base = Number(editor.dataset.baseRevision) || 0;
  let knownRevision = Number(editor.dataset.latestRevision) || 0;
  let leaving = false; // submitting the form, or discarding the draft: nothing to keep
  let autosaveTimer = null;
  let firstUnsavedAt = 0;
  let saving = false;
  let again = false;

  const current = () => ({
    source: source.value,
    visibility: editor.querySelector("input[name=visibility]:checked")?.value ?? "",
    anonymous: editor.querySelector("input[name=anonymous]")?.checked ? "on" : "",
  });
  const fingerprint = (state) => JSON.stringify(state);
  let lastKept = fingerprint(current());
  const body = (state) =>
    new URLSearchParams({
      ...state,
      tab,
      version: String(version),
      base: String(base),
      csrfmiddlewaretoken: token,
    });
  const showStatus = (message) => {
    if (!draftStatus) return;
    describe(draftStatus);
    draftStatus.textContent = message;
  };

  const saveDraft = async () => {
    window.clearTimeout(autosaveTimer);
    if (leaving) return;
    if (saving) {
      again = true; // one save at a time, so that they arrive in order
      return;
    }
    const state = current();
    const print = fingerprint(state);
    if (print === lastKept) return;
    saving = true;
    firstUnsavedAt = 0;
    showStatus("Saving draft…");
    try {
      const response = await fetch(draftUrl, {
        method: "POST",
        body: body(state),
        headers: { Accept: "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        showStatus("Draft not saved");
        tell(
          data.detail ||
            (response.status === 403
              ? "Your draft could not be saved: this page is out of date. Copy your text, then reload the page."
              : "Your draft could not be saved just now. We will try again; your text is still here."),
        );
        if (response.status === 429 || response.status >= 500) {
          autosaveTimer = window.setTimeout(saveDraft, RETRY_AFTER_MS);
        }
        return;
      }
      lastKept = print;
      version = data.version;
      showStatus(data.kept ? `Draft saved at ${localTime(data.saved_at)}` : "No unsaved changes");
      let notice = "";
      if (data.replaced_other_tab) {
        notice = `This draft is open in another tab or window too, which saved it at ${localTime(data.replaced_at)}. The text in this tab has replaced it: the last save wins.`;
      }
      if (data.latest_revision > knownRevision) {
        knownRevision = data.latest_revision;
        notice = `${notice} Your summary was saved from another tab or window after you opened this page. Your text here is kept as a draft; saving it replaces that version, and the summary's history keeps both.`.trim();
      }
      if (notice) tell(notice, "notice");
      else if (alertBox.dataset.kind === "error") tell("");
    } catch {
      showStatus("Offline: draft not saved yet");
      autosaveTimer = window.setTimeout(saveDraft, RETRY_AFTER_MS);
    } finally {
      saving = false;
      if (again) {
        again = false;
        saveDraft();
      }
    }
  };

  const scheduleAutosave = () => {
    if (leaving || fingerprint(current()) === lastKept) return;
    const now = Date.now();
    firstUnsavedAt ||= now;
    window.clearTimeout(autosaveTimer);
    const wait = Math.min(AUTOSAVE_AFTER_MS, Math.max(0, firstUnsavedAt + LONGEST_UNSAVED_MS - now));
    autosaveTimer = window.setTimeout(saveDraft, wait);
    showStatus("Unsaved changes");
  };
  editor.addEventListener("input", scheduleAutosave);
  editor.addEventListener("change", scheduleAutosave);

  // The page is being hidden or left: send what has not been kept yet, even as the tab
  // closes. sendBeacon carries up to about 64 KB; past that, keepalive fetch tries.
  // True when nothing is left unsent.
  const saveOnLeave = () => {
    const state = current();
    const print = fingerprint(state);
    if (leaving || print === lastKept) return true;
    window.clearTimeout(autosaveTimer);
    const payload = body(state);
    let sent = false;
    try {
      sent = navigator.sendBeacon?.(draftUrl, payload) ?? false;
    } catch {
      sent = false;
    }
    if (!sent && new Blob([payload.toString()]).size < 64 * 1024) {
      fetch(draftUrl, { method: "POST", body: payload, keepalive: true, credentials: "same-origin" }).catch(
        () => {},
      );
      sent = true;
    }
    if (sent) lastKept = print;
    return sent;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  window.addEventListener("pagehide", saveOnLeave);
  window.addEventListener("beforeunload", (event) => {
    // Only when the text could not be sent at all: the browser asks before leaving.
    if (!saveOnLeave()) event.preventDefault();
  });

  // -- saving: a busy button, one submission, no draft sent behind it ----------------

  editor.addEventListener("submit", (event) => {
    if (editor.getAttribute("aria-busy") === "true") {
      event.preventDefault(); // a second press while the first is on its way
      return;
    }
    leaving = true;
    window.clearTimeout(autosaveTimer);
    editor.setAttribute("aria-busy", "true");
    setBusy(event.submitter, true);
  });
  // Back from the next page (the browser kept this one): the form is usable again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    leaving = false;
    editor.removeAttribute("aria-busy");
    editor.querySelectorAll("[data-busy-label]").forEach((button) => setBusy(button, false));
  });

  // -- the restored-draft notice -----------------------------------------------------

  const notice = document.querySelector("[data-draft-notice]");
  notice?.querySelectorAll("time[data-local-time]").forEach((time) => {
    time.textContent = localDateTime(time.dateTime);
  });
  notice?.querySelector("form")?.addEventListener("submit", (event) => {
    const question = event.submitter?.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    leaving = true; // the page reloads without the draft; do not send it again
    window.clearTimeout(autosaveTimer);
  });
})();

// The writer's own summary: copy its link (select it where the clipboard is out of
// reach) and the system share sheet where there is one. Without this file the link
// stays in a text box to select, beside plain share links.
(() => {
  "use strict";

  document.querySelectorAll("[data-owner-actions]").forEach((box) => {
    const input = box.querySelector("[data-copy-source]");
    const status = box.querySelector("[data-copy-status]");
    const copy = box.querySelector("[data-copy-link]");
    const share = box.querySelector("[data-web-share]");
    input?.addEventListener("focus", () => input.select());
    if (copy && input) {
      copy.hidden = false;
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(input.value);
          status.textContent = "Link copied.";
        } catch {
          input.focus();
          input.select();
          status.textContent = "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.";
        }
      });
    }
    if (share && typeof navigator.share === "function") {
      share.hidden = false;
      share.addEventListener("click", () => {
        navigator
          .share({ title: share.dataset.shareTitle, url: share.dataset.shareUrl })
          .catch(() => {}); // dismissed: nothing to say
      });
    }
  });
})();

// == figures ==
// Figures in the editor: upload with fetch and insert ![description](url) at the cursor.
// Without JS the editor's link opens the figures page (a plain form) in a new tab.
(() => {
  "use strict";

  const megabytes = (bytes) =>
    bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const statusMessages = {
    403: "You cannot upload figures right now: are you still signed in?",
    413: "This file is too big to upload.",
    415: "This file is not a PNG, JPEG, WebP or SVG image.",
    429: "Too many uploads for now; wait a while and try again.",
  };

  const enhanceFigureUpload = (box) => {
    const form = box.closest("form");
    const scope = form || document;
    const source = scope.querySelector("textarea[name=source]");
    const controls = box.querySelector("[data-figure-controls]");
    if (!source || !controls || !window.fetch || !window.FormData) return;
    const fileInput = box.querySelector("[data-figure-file]");
    const description = box.querySelector("[data-figure-description]");
    const button = box.querySelector("[data-figure-insert]");
    const status = box.querySelector("[data-figure-status]");
    const idleLabel = button.textContent;
    const maxBytes = Number(box.dataset.maxBytes) || 0;
    controls.hidden = false;
    box.querySelector("[data-figure-nojs-hint]")?.setAttribute("hidden", "");
    const pageLink = box.querySelector("[data-figure-page-link]");
    if (pageLink) pageLink.textContent = "Your uploaded figures";

    // Where the cursor was when the writer left the text for these controls.
    let selection = null;
    source.addEventListener("blur", () => {
      selection = [source.selectionStart, source.selectionEnd];
    });

    const say = (message, isError = false) => {
      status.textContent = message;
      status.classList.toggle("error-text", isError);
    };
    const fail = (message, field) => {
      say(message, true);
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.focus();
      }
    };
    [fileInput, description].forEach((field) =>
      field.addEventListener("input", () => field.removeAttribute("aria-invalid")),
    );

    const insert = (markdown) => {
      const end = source.value.length;
      const [start, stop] = selection ?? [end, end];
      const before = source.value.slice(0, start);
      const after = source.value.slice(stop);
      // A figure is a paragraph of its own: blank lines around it, no more than needed.
      const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
      const text = lead + markdown + tail;
      source.focus();
      source.setSelectionRange(start, stop);
      // insertText keeps the browser's undo history; setRangeText where it is missing.
      if (!document.execCommand || !document.execCommand("insertText", false, text)) {
        source.setRangeText(text, start, stop, "end");
        source.dispatchEvent(new Event("input", { bubbles: true }));
      }
      selection = [source.selectionStart, source.selectionEnd];
    };

    const upload = async () => {
      const file = fileInput.files?.[0];
      const text = description.value.trim();
      if (!file) return fail("Choose an image file first.", fileInput);
      if (!text) {
        return fail("Describe the figure first: readers who cannot see it get this text.", description);
      }
      if (maxBytes && file.size > maxBytes) {
        return fail(`This file is ${megabytes(file.size)}; a figure may be at most ${box.dataset.maxSize}.`, fileInput);
      }
      const body = new FormData();
      body.set("file", file);
      body.set("description", text);
      const token = scope.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
      button.disabled = true;
      button.textContent = "Uploading…";
      box.setAttribute("aria-busy", "true");
      say(`Uploading ${file.name}…`);
      try {
        const response = await fetch(box.dataset.uploadUrl, {
          method: "POST",
          body,
          headers: { Accept: "application/json", "X-CSRFToken": token },
          credentials: "same-origin",
        });
        let data = {};
        try {
          data = await response.json();
        } catch {
          /* a proxy's error page, not ours */
        }
        if (!response.ok) {
          fail(data.detail || statusMessages[response.status] || `The upload failed (error ${response.status}); try again.`);
          return;
        }
        insert(data.markdown);
        fileInput.value = "";
        description.value = "";
        say(`Inserted “${data.description}” into your text (${data.width ? `${data.width} × ${data.height} pixels, ` : ""}${megabytes(data.bytes)}).`);
      } catch {
        fail("The upload did not reach the server; check your connection and try again.");
      } finally {
        button.disabled = false;
        button.textContent = idleLabel;
        box.removeAttribute("aria-busy");
      }
    };

    button.addEventListener("click", upload);
    // Enter here would submit (save) the summary: it uploads the figure instead.
    description.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        if (!button.disabled) upload();
      }
    });
    fileInput.addEventListener("change", () => {
      say("");
      if (fileInput.files?.[0] && !description.value.trim()) description.focus();
    });
  };

  document.querySelectorAll("[data-figure-upload]").forEach(enhanceFigureUpload);
  // Deleting a figure breaks the texts that show it: ask first.
  document.querySelector(".figure-list")?.addEventListener("submit", (event) => {
    const question = event.submitter?.dataset.figureConfirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // The figures page: a click in a Markdown line selects all of it, ready to copy.
  document.querySelectorAll("input[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
})();

// == accounts voice, busy states, error pages ==
// Busy states for actions that wait on a remote source (arXiv, Crossref, DBLP, ORCID):
// a form, button or link marked data-remote-busy="Looking up…" shows that label on its button,
// is aria-busy, and ignores a second press until the next page arrives. Coming back
// with the Back button (bfcache) puts everything as it was. Without JS the plain form
// or link works as before. On the account pages data-confirm="…" asks before a
// destructive submit.
(() => {
  "use strict";

  const BUSY = "busyOriginal";

  const status = (host) => {
    let region = host.querySelector(":scope > .busy-status");
    if (!region) {
      region = document.createElement("span");
      region.className = "busy-status visually-hidden";
      region.setAttribute("role", "status");
      host.append(region);
    }
    return region;
  };

  const markBusy = (control, label, host) => {
    control.dataset[BUSY] = control.textContent;
    control.textContent = label;
    control.setAttribute("aria-busy", "true");
    control.setAttribute("aria-disabled", "true");
    control.classList.add("is-busy");
    status(host).textContent = label;
  };

  const restore = (control) => {
    if (!(BUSY in control.dataset)) return;
    control.textContent = control.dataset[BUSY];
    delete control.dataset[BUSY];
    control.removeAttribute("aria-busy");
    control.removeAttribute("aria-disabled");
    control.classList.remove("is-busy");
    if (control.tagName === "BUTTON") control.disabled = false;
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const confirmer = form.matches(".account-form") && event.submitter?.dataset.confirm;
    if (confirmer && !window.confirm(confirmer)) {
      event.preventDefault();
      return;
    }
    const label = event.submitter?.dataset.remoteBusy || form.dataset.remoteBusy;
    if (!label) return;
    if (form.dataset.busy === "true") {
      event.preventDefault(); // already on its way: a second press would send it twice
      return;
    }
    if (event.defaultPrevented) return; // another handler took over (fetch, validation)
    const button =
      event.submitter ?? form.querySelector("button[type=submit], button:not([type])");
    form.dataset.busy = "true";
    form.setAttribute("aria-busy", "true");
    if (button) {
      markBusy(button, label, form);
      // Disabled only after this event: a disabled submitter's name and value would
      // otherwise be left out of what the form sends.
      window.setTimeout(() => {
        if (form.dataset.busy === "true") button.disabled = true;
      }, 0);
    }
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-remote-busy]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab
    if (link.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    markBusy(link, link.dataset.remoteBusy, link.parentElement ?? document.body);
  });

  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-busy]").forEach((form) => {
      delete form.dataset.busy;
      form.removeAttribute("aria-busy");
    });
    document.querySelectorAll(".is-busy").forEach(restore);
    document.querySelectorAll(".busy-status").forEach((region) => {
      region.textContent = "";
    });
  });
})();

// == home, cards, paper page ==

// Long summaries on a paper page: without JavaScript the "Read the whole summary" link
// opens the summary's own page; here it becomes a button that expands it in place.
(() => {
  "use strict";

  const LABEL_CLOSED = "Read the whole summary";
  const LABEL_OPEN = "Show less";

  document.querySelectorAll("[data-collapsible]").forEach((box) => {
    const text = box.querySelector(".prose");
    const link = box.querySelector("a[data-expand]");
    if (!text || !link) return;
    // Shorter than the collapsed height after all (wide screen, few lines): show it whole.
    if (text.scrollHeight <= text.clientHeight + 32) {
      box.classList.remove("is-collapsed");
      link.closest(".read-whole")?.remove();
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small read-whole-button";
    button.setAttribute("aria-controls", text.id);
    button.setAttribute("aria-expanded", "false");
    button.textContent = LABEL_CLOSED;
    link.replaceWith(button);

    const setOpen = (open) => {
      box.classList.toggle("is-collapsed", !open);
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? LABEL_OPEN : LABEL_CLOSED;
    };
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (!open) box.closest(".summary")?.scrollIntoView({ block: "start" });
    });
    // Tabbing to a link hidden below the fold, or jumping to a footnote, opens it.
    text.addEventListener("focusin", () => setOpen(true));
    const opensOnArrival = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      if (id && text.querySelector(`[id="${CSS.escape(id)}"]`)) setOpen(true);
    };
    window.addEventListener("hashchange", opensOnArrival);
    opensOnArrival();
  });
})();

// == search ==
