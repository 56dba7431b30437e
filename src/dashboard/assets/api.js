// The dashboard's JSON API and its live events (/_/api/events), with the
// connection state shown in the top bar.

/** GET a JSON endpoint: `{ ok, status, body }` (never throws). */
export async function getJson(path) {
  try {
    const res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
    const body = await res.json().catch(() => ({}));
    return { ok: res.ok, status: res.status, body };
  } catch (e) {
    return { ok: false, status: 0, body: { error: String(e) } };
  }
}

function setLive(state, text) {
  const el = document.getElementById('live');
  if (el === null) return;
  el.dataset.state = state;
  el.querySelector('span').textContent = text;
}

/**
 * Listens to the server's events: `handlers` maps an event name (`round`,
 * `canisters`) to a function of its parsed data; `onOpen` runs at every
 * (re)connection, so a page can reload what it may have missed. The browser
 * reconnects by itself after a dropped stream; a stream that could not be
 * opened at all is retried here, backing off to 5 s.
 */
export function listen(handlers, onOpen = () => {}) {
  let source;
  let delay = 500;
  const connect = () => {
    source = new EventSource('/_/api/events');
    source.onopen = () => {
      delay = 500;
      setLive('live', 'live');
      onOpen();
    };
    source.onerror = () => {
      setLive('reconnecting', 'reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      }
    };
    for (const [name, fn] of Object.entries(handlers)) {
      source.addEventListener(name, (ev) => {
        let data;
        try { data = JSON.parse(ev.data); } catch { return; }
        fn(data);
      });
    }
  };
  connect();
  return () => source.close();
}
