// A web chat the way chat apps are built: a contenteditable message box, a send button that
// is in no form, a click handler delegated to the document, and the button drawn again after
// every message (so a send button found once would go stale). Enter makes a new line.
const log = document.getElementById('log');
const box = document.getElementById('box');
const tools = document.getElementById('tools');
window.sent = [];

document.addEventListener('click', (e) => {
  if (!(e.target instanceof Element) || !e.target.closest('#go')) return;
  const text = box.textContent.trim();
  if (!text) return;
  window.sent.push(text);
  const p = document.createElement('p');
  p.className = 'msg';
  p.textContent = `Me: ${text}`;
  log.append(p);
  box.textContent = '';
  // Re-render the button, as frameworks do.
  const fresh = document.createElement('button');
  fresh.type = 'button';
  fresh.id = 'go';
  fresh.setAttribute('aria-label', 'Send');
  fresh.textContent = 'Send';
  tools.replaceChildren(fresh);
});
