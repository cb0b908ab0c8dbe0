/* coopqa embed widget: <script src="https://HOST/widget.js" data-key="KEY" defer></script>
 * Adds an "Ask coopqa" button; answers come from HOST/api/ask with citation chips.
 * Everything lives in a shadow root, so the page's styles and the widget's never meet.
 * All server text is set with textContent: nothing from an answer is ever parsed as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__coopqaWidget) return;
  window.__coopqaWidget = true;
  var base = new URL(script.src, document.baseURI).origin;
  var key = script.getAttribute("data-key") || "";
  var title = script.getAttribute("data-title") || "Ask coopqa";

  var CSS = [
    // The page's rules can reach the host element itself; !important in here outranks them.
    ":host{all:initial!important;position:fixed!important;right:20px!important;bottom:20px!important;",
    "z-index:2147483000!important;display:block!important}",
    // A wrapper resets what the host would pass down by inheritance (colour, font, spacing).
    ".w{all:initial;display:block;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328}",
    "*{box-sizing:border-box}",
    "button,textarea,blockquote,p,h2,label{font-family:inherit;font-size:inherit;line-height:inherit}",
    "button{cursor:pointer;border-radius:6px;border:1px solid #1a5fb4;background:#1a5fb4;color:#fff;padding:6px 12px}",
    "button:focus-visible,textarea:focus-visible{outline:3px solid #f5c211;outline-offset:2px}",
    ".open{border-radius:22px;padding:10px 18px;box-shadow:0 2px 8px rgba(0,0,0,.25)}",
    ".panel{position:absolute;right:0;bottom:52px;width:min(420px,92vw);max-height:70vh;overflow:auto;",
    "background:#fff;border:1px solid #c6cbd1;border-radius:10px;padding:12px;box-shadow:0 4px 18px rgba(0,0,0,.2)}",
    ".panel[hidden]{display:none}",
    "h2{margin:0 0 8px;font-size:15px;font-weight:600}",
    "label{display:block;margin-bottom:4px}",
    "textarea{width:100%;min-height:56px;border:1px solid #8c959f;border-radius:6px;padding:6px;resize:vertical;color:#1f2328;background:#fff}",
    ".row{display:flex;gap:8px;justify-content:flex-end;margin-top:6px}",
    ".close{background:#fff;color:#1a5fb4}",
    ".answer{margin-top:10px;white-space:pre-wrap}",
    ".chip{display:inline-block;padding:0 6px;margin:0 2px;font-size:12px;border-radius:10px;",
    "background:#dde8f7;color:#0b3d91;border:1px solid #9fb8e0}",
    ".chip[aria-expanded=true]{background:#0b3d91;color:#fff}",
    ".quote{margin:8px 0;padding:6px 10px;border-left:4px solid #1a5fb4;background:#f3f6fa}",
    ".quote .where{display:block;font-size:12px;color:#57606a;margin-top:4px}",
    ".abstain{margin-top:10px;padding:8px 10px;border:1px solid #d4a72c;background:#fff8c5;border-radius:6px}",
    ".abstain strong{display:block;margin-bottom:4px}",
    ".error{margin-top:10px;padding:8px 10px;border:1px solid #cf222e;background:#ffebe9;border-radius:6px}",
    ".busy{margin-top:10px;color:#57606a}",
    ".turn{border-top:1px solid #d8dee4;margin-top:10px;padding-top:6px}",
    ".turn:first-child{border-top:0;margin-top:0}",
    ".q{margin:0;font-weight:600}",
    ".understood{margin:4px 0 0;font-style:italic;color:#57606a}",
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  var host = el("div", { id: "coopqa-widget" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", {}, CSS));
  var opener = el("button", { class: "open", type: "button", "aria-expanded": "false",
    "aria-controls": "coopqa-panel" }, title);
  var panel = el("section", { class: "panel", id: "coopqa-panel", role: "dialog",
    "aria-label": title, hidden: "" });
  var heading = el("h2", {}, title);
  var form = el("form", {});
  var label = el("label", { for: "coopqa-q" }, "Your question");
  var box = el("textarea", { id: "coopqa-q", name: "question", maxlength: "4000",
    placeholder: "Enter to ask, Shift+Enter for a new line" });
  var row = el("div", { class: "row" });
  var close = el("button", { class: "close", type: "button" }, "Close");
  var send = el("button", { type: "submit" }, "Ask");
  var out = el("div", { class: "result", "aria-live": "polite" });
  row.append(close, send);
  form.append(label, box, row);
  panel.append(heading, form, out);
  var wrap = el("div", { class: "w" });
  wrap.append(panel, opener);
  root.appendChild(wrap);

  var history = [];
  var titles = {};  // document id -> title, from /api/health (public): the names people read
  fetch(base + "/api/health", { mode: "cors" })
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (h) { titles = h.titles || {}; })
    .catch(function () {});

  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    (open ? box : opener).focus();
  }
  opener.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); setOpen(false); }
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  // The conversation stays: each turn is the question, how it was understood, and the answer.
  function turn(question) {
    var item = el("div", { class: "turn" });
    item.appendChild(el("p", { class: "q" }, question));
    out.appendChild(item);
    return item;
  }

  function showError(item, message) {
    var old = item.querySelector(".busy");
    var box_ = el("div", { class: "error", role: "alert" }, message);
    if (old) old.replaceWith(box_); else item.appendChild(box_);
  }

  // One chip per [n] marker; it toggles the quote it cites, right below its own answer.
  function chip(citation, quotes) {
    var b = el("button", { type: "button", class: "chip", "aria-expanded": "false",
      "aria-label": "Source " + citation.n + ": " + citation.section + ", page " + citation.page },
      String(citation.n));
    b.addEventListener("click", function () {
      var shown = b.getAttribute("aria-expanded") === "true";
      quotes.replaceChildren();
      quotes.parentNode.querySelectorAll(".chip").forEach(function (c) { c.setAttribute("aria-expanded", "false"); });
      if (shown) return;
      var q = el("blockquote", { class: "quote", tabindex: "-1" }, citation.quote);
      q.appendChild(el("span", { class: "where" },
        (titles[citation.doc] || citation.doc) + " · " + citation.section + " · page " + citation.page));
      quotes.appendChild(q);
      b.setAttribute("aria-expanded", "true");
    });
    return b;
  }

  // Answer text with its [n] markers as chips (in the "Not answered" box too).
  function withChips(text, byN, quotes) {
    var span = el("span", {});
    text.split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (m && byN[m[1]]) span.appendChild(chip(byN[m[1]], quotes));
      else span.appendChild(document.createTextNode(part));
    });
    return span;
  }

  function render(item, question, answer) {
    var byN = {};
    (answer.citations || []).forEach(function (c) { byN[c.n] = c; });
    var quotes = el("div", { class: "quotes" });
    var body;
    if (answer.abstained) {
      body = el("div", { class: "abstain", role: "note" });
      body.append(el("strong", {}, "Not answered by the documents"), withChips(answer.answer, byN, quotes));
    } else {
      body = el("div", { class: "answer" });
      body.appendChild(withChips(answer.answer, byN, quotes));
    }
    var parts = [];
    var understood = (answer.resolved_question || "").trim();
    if (understood && understood !== question) parts.push(el("p", { class: "understood" }, "Understood as: " + understood));
    parts.push(body, quotes);
    (answer.corrections || []).forEach(function (c) { parts.push(el("p", { class: "note" }, c)); });
    item.querySelector(".busy").replaceWith.apply(item.querySelector(".busy"), parts);
    item.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var question = box.value.trim();
    if (!question) { out.appendChild(el("div", { class: "error", role: "alert" }, "Type a question first.")); return; }
    send.disabled = true;
    box.value = "";  // the box is ready for the next question; the question stays in the log
    var item = turn(question);
    item.appendChild(el("div", { class: "busy", role: "status" }, "Looking it up…"));
    var headers = { "Content-Type": "application/json" };
    if (key) headers.Authorization = "Bearer " + key;
    fetch(base + "/api/ask", { method: "POST", headers: headers, mode: "cors",
      body: JSON.stringify({ question: question, history: history.slice(-20) }) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok) throw new Error(body.error || "the server answered " + r.status);
          return body;
        });
      })
      .then(function (answer) {
        history.push({ role: "user", content: question }, { role: "assistant", content: answer.answer });
        render(item, question, answer);
      })
      .catch(function (err) {
        if (box.value === "") box.value = question;  // not answered: give the question back
        // A CORS refusal and an unreachable server look the same from here (a TypeError).
        showError(item, err instanceof TypeError
          ? "coopqa refused this page or is unreachable: this site (" + location.origin +
            ") must be on the server's COOPQA_CORS_ORIGINS list."
          : "coopqa could not answer: " + err.message);
      })
      .finally(function () { send.disabled = false; });
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
