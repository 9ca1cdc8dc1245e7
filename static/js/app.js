// Move the keyboard focus to the error summary when a form comes back with errors.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// Put each table in a box that scrolls sideways, so that a wide table does not widen the whole page on a
// phone. A box that does scroll becomes a focusable region named by the table's caption, for keyboard users.
document.addEventListener("DOMContentLoaded", () => {
  const boxes = [];
  for (const table of document.querySelectorAll("table")) {
    let box = table.parentElement;
    if (!box.classList.contains("table-scroll")) {
      box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    } else if (box.hasAttribute("role")) {
      continue; // The template already made this box a named region.
    }
    boxes.push(box);
  }
  const markScrolling = () => {
    for (const box of boxes) {
      if (box.scrollWidth > box.clientWidth) {
        const caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  markScrolling();
  window.addEventListener("resize", markScrolling);
});

// Follow an export job's progress on its page, and show the download link when the file is ready.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("export-progress");
  if (!box || box.dataset.inProgress !== "true") {
    return;
  }
  const show = (selector, visible) => {
    const element = document.querySelector(selector);
    if (element) {
      element.hidden = !visible;
    }
  };
  const poll = async () => {
    let status;
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      status = await response.json();
    } catch {
      window.setTimeout(poll, 5000);
      return;
    }
    box.querySelector("[data-export-label]").textContent = status.label;
    const count = (value) => Number(value).toLocaleString(document.documentElement.lang || "fr");
    box.querySelector("[data-export-count]").textContent = box.dataset.countTemplate
      ? box.dataset.countTemplate.replace("{processed}", count(status.processed)).replace("{total}", count(status.total))
      : `${count(status.processed)} / ${count(status.total)}`;
    const bar = box.querySelector("progress");
    bar.value = status.percent;
    bar.textContent = `${status.percent} %`;
    const running = status.state === "pending" || status.state === "running";
    show("[data-export-ready]", status.state === "done");
    show("[data-export-failed]", status.state === "failed");
    show("[data-export-waiting]", running);
    if (running) {
      window.setTimeout(poll, 2000);
    }
  };
  window.setTimeout(poll, 1000);
});
