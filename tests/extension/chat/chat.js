// A small class chat for the extension's message tests: Send or Enter posts the message to
// the list; window.sent records what was sent; window.addMessage adds one "from someone else".
const log = document.getElementById('log');
const form = document.getElementById('composer');
const box = document.getElementById('msg');
window.sent = [];

function post(who, text) {
  const p = document.createElement('p');
  p.className = 'msg';
  const b = document.createElement('b');
  b.className = 'who';
  b.textContent = `${who}:`;
  p.append(b, ` ${text}`);
  log.append(p);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = box.value.trim();
  if (!text) return;
  window.sent.push(text);
  post('Me', text);
  box.value = '';
});
box.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    form.requestSubmit();
  }
});
window.addMessage = (who, text) => post(who, text);
