// The labeling page: two clips in sync, answered with the keyboard alone. Sides are decided by the server per showing;
// the page only ever says which side it saw, and never sees the true return.
'use strict';
const token = new URLSearchParams(location.search).get('token') || '';
const left = document.getElementById('left');
const right = document.getElementById('right');
const leftEvents = document.getElementById('left-events');
const rightEvents = document.getElementById('right-events');
const statusLine = document.getElementById('status');
let current = null;   // the leased pair being shown
let busy = false;     // one request at a time, so a held key cannot double-answer

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: Object.assign({ 'Authorization': 'Bearer ' + token }, body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || data.message || ('HTTP ' + response.status));
  return data;
}

function say(text, error) {
  statusLine.textContent = text;
  statusLine.className = error ? 'error' : '';
}

function showProgress(data) {
  const p = data.progress;
  const agreement = data.agreement == null ? '—' : Math.round(100 * data.agreement) + '% of your last ' + data.agreementCount;
  document.getElementById('progress').textContent =
    `labels ${p.labels} / ${p.budget} · queue ${p.queue} · you: ${data.mine} · ${data.labeler} · reward model agrees with you: ${agreement}`;
}

// Both videos loop on their own, so neither ever stops at its end. The left one leads; the right one follows it,
// corrected whenever it drifts by more than half a frame, with the drift measured around the loop (1.65 s and
// 0.01 s are a frame apart, not 1.64 s), so the two wrapping a moment apart costs no seek.
const halfFrame = 0.5 / 30;
function keepInSync() {
  if (current && !left.paused && right.readyState >= 2 && left.duration > 0) {
    let drift = Math.abs(right.currentTime - left.currentTime);
    drift = Math.min(drift, left.duration - drift);
    if (drift > halfFrame) right.currentTime = left.currentTime;
    if (right.paused) right.play();
  }
  if (current) { markEvents(left, leftEvents); markEvents(right, rightEvents); }
  requestAnimationFrame(keepInSync);
}

// The events the env reported during each clip, under it; the one under way is highlighted as the clip plays (the clip
// runs through the segment's steps from start to end).
function showEvents(list, captions) {
  list.replaceChildren();
  list.hidden = captions == null;
  if (captions == null) return;
  if (captions.runs.length === 0) {
    const none = document.createElement('li');
    none.className = 'none';
    none.textContent = 'no events';
    list.append(none);
  }
  for (const run of captions.runs) {
    const item = document.createElement('li');
    item.textContent = run.text;
    item.dataset.first = run.firstStep;
    item.dataset.last = run.lastStep;
    list.append(item);
  }
  list.dataset.steps = captions.steps;
}

function markEvents(video, list) {
  const steps = Number(list.dataset.steps);
  if (!(video.duration > 0) || !(steps > 0)) return;
  const step = Math.min(steps - 1, Math.floor(video.currentTime / video.duration * steps));
  for (const item of list.children)
    item.classList.toggle('now', Number(item.dataset.first) <= step && step <= Number(item.dataset.last));
}

function loadClips(data) {
  showEvents(leftEvents, data.left.captions);
  showEvents(rightEvents, data.right.captions);
  const ready = Promise.all([left, right].map(v => new Promise(resolve => {
    v.addEventListener('canplaythrough', resolve, { once: true });
  })));
  left.src = data.left.clip + '?token=' + encodeURIComponent(token);
  right.src = data.right.clip + '?token=' + encodeURIComponent(token);
  left.poster = data.left.poster + '?token=' + encodeURIComponent(token);
  right.poster = data.right.poster + '?token=' + encodeURIComponent(token);
  ready.then(() => { left.currentTime = 0; right.currentTime = 0; left.play(); right.play(); });
}

async function next() {
  busy = true;
  try {
    const data = await api('GET', '/api/next');
    showProgress(data);
    current = data.pair == null ? null : data;
    document.getElementById('pair').hidden = current == null;
    document.getElementById('empty').hidden = current != null;
    document.body.dataset.pair = current ? current.pair : '';
    document.body.dataset.lease = current ? current.lease : '';
    if (current) loadClips(current);
    else setTimeout(() => { if (!current) next(); }, 2000);
  } catch (e) {
    say(e.message, true);
  } finally {
    busy = false;
  }
}

async function answer(choice) {
  if (!current || busy) return;
  busy = true;
  const shown = current;
  try {
    await api('POST', '/api/labels', { pair: shown.pair, lease: shown.lease, choice });
    say({ left: 'left is better', right: 'right is better', equal: 'equal', skip: "can't tell" }[choice] + ' · saved');
  } catch (e) {
    say(e.message, true);
    busy = false;
    return;
  }
  busy = false;
  await next();
}

async function undo() {
  if (busy) return;
  busy = true;
  try {
    const data = await api('POST', '/api/undo', {});
    say(data.undone == null ? 'nothing to undo' : 'last label undone');
  } catch (e) {
    say(e.message, true);
  }
  busy = false;
  await next();
}

const keys = { ArrowLeft: 'left', ArrowRight: 'right', ArrowDown: 'equal', ' ': 'skip' };
document.addEventListener('keydown', e => {
  if (e.repeat || e.ctrlKey || e.altKey || e.metaKey) return;
  if (keys[e.key]) { e.preventDefault(); answer(keys[e.key]); }
  else if (e.key === 'u' || e.key === 'U') { e.preventDefault(); undo(); }
});

if (!token) say('this page needs the link with your token (sim label prints it)', true);
else { requestAnimationFrame(keepInSync); next(); }
