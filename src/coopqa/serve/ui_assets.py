"""The chat's CSS and the small script in the page head (chips, counter, phone scrolling)."""

PHONE_MAX_PX = 700  # below this width the sources open as a bottom sheet

UI_CSS = """
.coop-answer, .coop-question { white-space: pre-wrap; }
.coop-abstain { border-left: 4px solid #d97706; background: #fffbeb; color: #78350f;
  padding: .5em .75em; border-radius: 6px; white-space: pre-wrap; }
.coop-abstain-title { font-weight: 600; display: block; margin-bottom: .25em; }
.coop-error { border-left: 4px solid #dc2626; background: #fef2f2; color: #7f1d1d;
  padding: .5em .75em; border-radius: 6px; }
.coop-correction { border-left: 4px solid #2563eb; background: #eff6ff; padding: .35em .6em;
  margin-bottom: .4em; border-radius: 6px; }
.coop-understood { font-size: .85em; color: #475569; font-style: italic; margin-bottom: .3em; }
.coop-abbr { color: #475569; }
a.coop-cite { display: inline-block; min-width: 1.4em; padding: 0 .35em; margin: 0 .1em;
  border-radius: 999px; background: #e0e7ff; color: #3730a3 !important; font-size: .8em;
  font-weight: 600; text-align: center; text-decoration: none !important; cursor: pointer; }
.coop-sr { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
a.coop-cite.coop-cite-active { background: #3730a3; color: #fff !important; }
a.coop-cite:focus-visible { outline: 3px solid #f59e0b; outline-offset: 1px; }
.coop-num sup { font-weight: 700; font-size: .8em; margin-left: .1em; }
.coop-num-verified sup { color: #15803d; }
.coop-num-derived sup { color: #1d4ed8; }
.coop-num-unverified sup { color: #b45309; }
.coop-num-contradicted sup { color: #b91c1c; }
.coop-num-unverified, .coop-num-contradicted { text-decoration: underline dotted; }
#coop-chips .wrap label { border-radius: 999px !important; }
#coop-chips .wrap label.selected { background: #3730a3 !important; color: #fff !important;
  border-color: #3730a3 !important; }
#coop-chips .wrap label:focus-within { outline: 3px dashed #f59e0b !important;
  outline-offset: 2px; }
.coop-passage-head { font-size: .9em; color: #475569; margin-bottom: .4em; }
.coop-passage mark { background: #fde68a; padding: 0 .1em; }
.coop-passage-text { line-height: 1.5; }
.coop-sheet-close { display: none; float: right; border: 1px solid #cbd5e1; border-radius: 6px;
  padding: 0 .6em; background: #f8fafc; cursor: pointer; }
#coop-counter-text { font-size: 14px; color: #475569; text-align: right; margin-top: -.4em; }
/* Readable sizes and contrast (WCAG AA): examples, exports and the footer's links. */
#coop-examples button, #coop-md, #coop-json, #coop-chat button.example { font-size: 14px !important; }
footer a, footer button { color: #475569 !important; opacity: 1 !important; }
#coop-title h1 { font-size: 1.6em; margin: .2em 0; }
#coop-counter-text.coop-near-limit { color: #b91c1c; font-weight: 600; }
#coop-paste-note { font-size: .85em; color: #92400e; }
#coop-paste-note:empty { display: none; }
#coop-input-error.coop-stale { display: none !important; }
/* While an answer streams in, its chips do nothing yet and it has no thumbs. */
.coop-streaming a.coop-cite { pointer-events: none; }
#coop-chat .message-row:has(.coop-streaming) + .message-buttons { display: none !important; }
/* 👍 before 👎: Gradio lays the two out in the opposite order. */
#coop-chat button[aria-label="Like"], #coop-chat button[aria-label="Liked"] { order: -1; }
.coop-facts { font-family: var(--font, system-ui, sans-serif); font-size: .95em; }
.coop-facts h3 { margin: .8em 0 .3em; }
.coop-facts summary { font-weight: 600; cursor: pointer; padding: .25em 0; }
.coop-facts-n, .coop-facts-count { color: #64748b; font-weight: 400; }
.coop-facts-table { width: 100%; border-collapse: collapse; table-layout: fixed;
  margin: 0 0 .6em !important; border: 0 !important; }
.coop-facts-table tr { border: 0 !important; background: none !important; }
.coop-facts-table th, .coop-facts-table td { text-align: left; vertical-align: top;
  padding: .3em .5em !important; border: 0 !important; border-bottom: 1px solid #e2e8f0 !important;
  overflow-wrap: break-word;
  word-break: normal; hyphens: auto; }
.coop-facts-table th:nth-child(1) { width: 24%; } .coop-facts-table th:nth-child(2) { width: 16%; }
.coop-facts-table th:nth-child(3) { width: 16%; }
.coop-fact-value { font-weight: 600; white-space: nowrap; }
.coop-fact-source { color: #334155; font-size: .92em; }
.coop-fact-page { color: #64748b; white-space: nowrap; }
.coop-fact-derived { color: #1d4ed8; }
@media (max-width: 700px) {
  .coop-facts-table thead { display: none; }
  .coop-facts-table, .coop-facts-table tbody, .coop-facts-table tr,
  .coop-facts-table td { display: block; width: auto; }
  .coop-facts-table tr { border-bottom: 1px solid #e2e8f0 !important; padding: .4em 0; }
  .coop-facts-table td { border: 0 !important; padding: .05em 0 !important; }
  .coop-fact-value { white-space: normal; }
  /* One column that wraps inside the screen's width and scrolls vertically (a flex column of
     fixed height would wrap its children into a second column, off to the right). */
  #coop-side.coop-sheet-open { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000;
    display: block !important; width: 100vw !important; max-width: 100vw !important;
    min-width: 0 !important; box-sizing: border-box; max-height: 42vh; overflow-y: auto;
    overflow-x: hidden; background: var(--background-fill-primary, #fff);
    box-shadow: 0 -6px 24px rgba(15, 23, 42, .25); border-radius: 14px 14px 0 0;
    padding: .6em .8em; margin: 0; }
  #coop-side.coop-sheet-open > * { max-width: 100%; min-width: 0 !important; }
  #coop-side.coop-sheet-open .coop-passage-text { overflow-wrap: anywhere; }
  #coop-side.coop-sheet-open .coop-passage-head { position: sticky; top: -.6em; z-index: 1;
    background: var(--background-fill-primary, #fff); padding: .4em 0; }
  /* The answer bubble uses the screen's width. */
  #coop-chat .message-row { max-width: 100% !important; }
  #coop-side.coop-sheet-open .coop-sheet-close { display: inline-block; }
  #coop-side.coop-sheet-open #coop-chips { display: none; }
  #coop-chat .bot { scroll-margin-top: 8px; }
}
"""

UI_HEAD = r"""
<script>
(() => {
  const PHONE = '(max-width: 700px)';
  const phone = () => window.matchMedia(PHONE).matches;
  const side = () => document.getElementById('coop-side');
  const lastBot = () => { const b = document.querySelectorAll('#coop-chat .bot');
    return b.length ? b[b.length - 1] : null; };
  function scroller(el) {  // the chat's own scrolling box around a message
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(p).overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }
  function follow(el) {  // an answer's first line at the top of the chat, and on screen
    if (!el) return;
    const box = scroller(el);
    if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 32;
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) window.scrollBy(0, top - 8);
  }
  let shownMark = null;
  function revealMark(always) {  // the marked sentence, not the passage top, in the sheet
    const s = side();
    const mark = s && s.classList.contains('coop-sheet-open') && s.querySelector('mark');
    if (!mark || (mark === shownMark && !always)) return;
    shownMark = mark;
    const head = s.querySelector('.coop-passage-head');  // it stays at the top of the sheet
    const covered = (head ? head.getBoundingClientRect().height : 0) + 16;
    s.scrollTop += mark.getBoundingClientRect().top - s.getBoundingClientRect().top - covered;
  }
  const sheetOpen = () => !!(side() && side().classList.contains('coop-sheet-open'));
  function openSheet(answer) {
    if (!phone() || !side()) return;
    if (!sheetOpen()) {
      side().classList.add('coop-sheet-open');
      history.pushState({coopSheet: true}, '');  // the back gesture closes the sheet
    }
    follow(answer);
    revealMark(true);
  }
  function closeSheet(byHistory) {
    if (!sheetOpen()) return;
    side().classList.remove('coop-sheet-open');
    if (!byHistory && history.state && history.state.coopSheet) history.back();
  }
  window.coopCloseSheet = () => closeSheet(false);
  window.addEventListener('popstate', () => closeSheet(true));
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeSheet(false); });
  document.addEventListener('pointerdown', (ev) => {  // a tap outside the sheet closes it
    if (!sheetOpen() || !ev.target.closest) return;
    if (ev.target.closest('#coop-side, a.coop-cite')) return;
    closeSheet(false);
  }, true);
  // Inline [n] chips pick the matching source chip: value "answer id:n:k".
  function pick(value, tries, answer) {
    const input = document.querySelector('#coop-chips input[value="' + CSS.escape(value) + '"]');
    if (input) { input.click(); openSheet(answer); return; }
    if (tries > 0) setTimeout(() => pick(value, tries - 1, answer), 150);
  }
  document.addEventListener('click', (ev) => {
    const t = ev.target.closest ? ev.target : null;
    if (!t) return;
    if (t.closest('.coop-sheet-close')) { window.coopCloseSheet(); return; }
    if (t.closest('#coop-chips label')) { openSheet(lastBot()); return; }
    // Gradio's sanitizer drops data-* attributes, so the chip's href carries the value.
    const chip = t.closest('a.coop-cite');
    const m = chip ? /#coop-cite-([0-9a-f]+)-(\d+)-(\d+)$/.exec(chip.getAttribute('href') || '')
                   : null;
    if (!m) return;
    ev.preventDefault();
    document.querySelectorAll('a.coop-cite-active').forEach(a => a.classList.remove('coop-cite-active'));
    chip.classList.add('coop-cite-active');
    pick(m[1] + ':' + m[2] + ':' + m[3], 20, chip.closest('.bot') || chip);
  }, true);
  document.addEventListener('focusin', (ev) => {
    if (ev.target.closest && ev.target.closest('#coop-question')) window.coopCloseSheet();
  });
  // Character counter under the question box (also after Gradio empties the box).
  function count() {
    const box = document.querySelector('#coop-question textarea');
    const out = document.getElementById('coop-counter-text');
    if (!box || !out) return;
    const max = parseInt(box.getAttribute('maxlength') || '0', 10);
    const text = box.value.length.toLocaleString('en') + ' / ' + max.toLocaleString('en');
    if (out.textContent !== text) out.textContent = text;
    out.classList.toggle('coop-near-limit', max > 0 && box.value.length > 0.9 * max);
  }
  // 👍 before 👎 in the tab order too, as they are shown: Gradio puts 👎 first in the page.
  function thumbsInOrder() {
    document.querySelectorAll('#coop-chat button[aria-label="Like"], #coop-chat button[aria-label="Liked"]')
      .forEach((like) => {
        const first = like.parentElement && like.parentElement.firstElementChild;
        if (first && first !== like && /Dislike/.test(first.getAttribute('aria-label') || '')) {
          like.parentElement.insertBefore(like, first);
        }
      });
  }
  document.addEventListener('input', (ev) => {
    count();
    // An input error about the last question is stale once the box holds a new one.
    const box = ev.target.closest && ev.target.closest('#coop-question textarea');
    const err = document.getElementById('coop-input-error');
    if (box && err && box.value.trim()) err.classList.add('coop-stale');
    const note = document.getElementById('coop-paste-note');
    if (box && note && !box.value) note.textContent = '';
  });
  function unstale() {  // a new question is on its way: its error (if any) must show
    const err = document.getElementById('coop-input-error');
    if (err) err.classList.remove('coop-stale');
    const note = document.getElementById('coop-paste-note');
    if (note) note.textContent = '';
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && ev.target.closest && ev.target.closest('#coop-question')) unstale();
  }, true);
  document.addEventListener('click', (ev) => {
    if (ev.target.closest && ev.target.closest('#coop-send, #coop-examples button')) unstale();
  }, true);
  // A paste longer than the box holds is cut at its last whole word, and the page says so.
  document.addEventListener('paste', (ev) => {
    const box = ev.target.closest && ev.target.closest('#coop-question textarea');
    if (!box || !ev.clipboardData) return;
    const max = parseInt(box.getAttribute('maxlength') || '0', 10);
    const pasted = ev.clipboardData.getData('text/plain');
    const room = max - box.value.length + (box.selectionEnd - box.selectionStart);
    const note = document.getElementById('coop-paste-note');
    if (!max || pasted.length <= room) { if (note) note.textContent = ''; return; }
    ev.preventDefault();
    let kept = pasted.slice(0, Math.max(room, 0));
    const lastSpace = kept.search(/\s\S*$/);
    if (pasted[kept.length] && /\S/.test(pasted[kept.length]) && lastSpace > 0) kept = kept.slice(0, lastSpace);
    kept = kept.replace(/\s+$/, '');
    document.execCommand('insertText', false, kept);
    const n = (x) => x.toLocaleString('en');
    if (note) note.textContent = 'Your paste was ' + n(pasted.length) + ' characters; the box holds ' +
      n(max) + ', so it was cut after ' + n(kept.length) + ' characters, at the end of a word.';
  }, true);
  // The view follows each new answer, and again when it is complete.
  let seen = 0, streaming = false;
  new MutationObserver(() => {
    const box = document.querySelector('#coop-question textarea');
    const note = document.getElementById('coop-paste-note');
    if (box && note && note.textContent && !box.value) note.textContent = '';  // asked: done
    const n = document.querySelectorAll('#coop-chat .bot').length;
    const now = !!document.querySelector('#coop-chat .coop-streaming');
    if (n > seen || (streaming && !now)) {
      follow(lastBot());
      if (!now) setTimeout(() => follow(lastBot()), 250);  // once more, when laid out
    }
    seen = n; streaming = now;
    count();
    thumbsInOrder();
    revealMark(false);
  }).observe(document.documentElement, {subtree: true, childList: true});
  window.coopShowFeedback = () => {
    const box = document.getElementById('coop-feedback');
    if (!box) return;
    box.scrollIntoView({block: 'nearest'});
    const input = box.querySelector('textarea, input');
    if (input && !phone()) input.focus({preventScroll: true});
  };
})();
</script>
"""
