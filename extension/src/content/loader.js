// esafety's message content script, as Chromium injects it on the policy's scanOrigins: a
// classic script (content scripts cannot be modules), so it only imports the module part.
// Injected once per frame; a second injection (a re-registration) does nothing. Nothing here
// may break the page: every failure is swallowed, and the page carries on without checks.
(() => {
  if (globalThis.esafetyMessagesLoaded) return;
  globalThis.esafetyMessagesLoaded = true;
  try {
    import(chrome.runtime.getURL('content/messages.js'))
      .then((m) => m.start())
      .catch(() => {});
  } catch {
    /* the extension was reloaded under this page: nothing to do */
  }
})();
