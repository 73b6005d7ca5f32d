// Keyboard shortcuts for the whole console. Pages register what j/k/1-9/n mean for them; typing
// in a field never triggers a shortcut.
const handlers = {};

export function onShortcut(key, handler) {
  handlers[key] = handler;
  return () => {
    if (handlers[key] === handler) delete handlers[key];
  };
}

function typing(target) {
  const tag = (target && target.tagName) || "";
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

export function shortcuts({ help }) {
  const listener = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    let key = event.key;
    if (key === "?") {
      event.preventDefault();
      help();
      return;
    }
    if (key === "i") {
      window.location.hash = "#/inbox";
      return;
    }
    if (key === "/") {
      const search = document.getElementById("search-id");
      if (search) {
        event.preventDefault();
        search.focus();
      }
      return;
    }
    if (/^[1-9]$/.test(key)) key = "digit";
    const handler = handlers[key];
    if (handler) {
      event.preventDefault();
      handler(event.key);
    }
  };
  window.addEventListener("keydown", listener);
  return () => window.removeEventListener("keydown", listener);
}
