/* CasePilot chat: with JavaScript, questions stream from /v1/assistant/ask/stream and the
   conversation stays on the page. Answers are built as DOM nodes (never innerHTML) from the
   same small markdown subset the server renders: paragraphs, "- " lists, **bold**, `code`,
   links to /codes/ pages. Without JavaScript the forms post to /casepilot as they are. */
(function () {
  "use strict";
  var form = document.getElementById("casepilot-form");
  var thread = document.getElementById("casepilot-thread");
  if (!form || !thread || !window.fetch || !window.TextDecoder) return;
  var statusLine = document.getElementById("casepilot-status");
  var CODE_PAGE = /^\/codes\/(icd10cm|icd10pcs|hcpcs|cpt)\/[A-Za-z0-9.\-]{1,32}$/;
  var INLINE = /\*\*([^*\n]{1,300})\*\*|`([^`\n]{1,300})`|\[([^\[\]\n]{1,200})\]\(([^()\s]{1,80})\)/g;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function field(name) { return form.elements[name] ? form.elements[name].value : ""; }
  function say(text) { statusLine.textContent = text; }

  function codeLink(word, codes, inner) {
    var system = codes[word];
    if (!system) return inner;
    var a = el("a"); a.href = "/codes/" + system + "/" + word; a.appendChild(inner);
    return a;
  }
  function inline(parent, text, codes) {
    var last = 0, m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) {
        var strong = el("strong"); strong.appendChild(codeLink(m[1], codes, document.createTextNode(m[1])));
        parent.appendChild(strong);
      } else if (m[2] !== undefined) {
        parent.appendChild(codeLink(m[2], codes, el("code", m[2])));
      } else if (CODE_PAGE.test(m[4])) {
        var a = el("a", m[3]); a.href = m[4]; parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
      last = INLINE.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function markdown(text, codes) {
    var box = el("div", "", "casepilot-answer"), list = null, para = null;
    text.replace(/\r\n/g, "\n").split("\n").forEach(function (raw) {
      var line = raw.trim(), item = /^[-*] (.*)$/.exec(line);
      if (!line) { list = null; para = null; return; }
      if (item) {
        para = null;
        if (!list) { list = el("ul"); box.appendChild(list); }
        var li = el("li"); inline(li, item[1], codes); list.appendChild(li);
      } else if (raw.indexOf("  ") === 0 && list) {
        inline(list.lastChild, " " + line, codes);
      } else {
        list = null;
        if (para) para.appendChild(el("br")); else { para = el("p"); box.appendChild(para); }
        inline(para, line, codes);
      }
    });
    return box;
  }

  function finish(turn, answer) {
    var codes = {};
    answer.codes.forEach(function (c) { codes[c.code] = c.system; });
    turn.replaceChild(markdown(answer.answer, codes), turn.querySelector(".casepilot-answer"));
    if (answer.codes.length) {
      turn.appendChild(el("h3", "Codes in this answer"));
      var ul = el("ul", "", "casepilot-codes");
      answer.codes.forEach(function (c) {
        var li = el("li"), a = el("a"); a.href = "/codes/" + c.system + "/" + c.code;
        a.appendChild(el("code", c.code)); li.appendChild(a);
        li.appendChild(document.createTextNode(" " + c.title)); ul.appendChild(li);
      });
      turn.appendChild(ul);
    }
    if (answer.citations.length) {
      var details = el("details", "", "casepilot-sources");
      details.appendChild(el("summary", "Sources (" + answer.citations.length + ")"));
      var list = el("ul");
      answer.citations.forEach(function (c) {
        var words = (c.code ? c.code + ": " : "") + c.source + (c.release ? ", release " + c.release : "") +
          (c.reference ? "; " + c.reference : "");
        list.appendChild(el("li", words));
      });
      details.appendChild(list); turn.appendChild(details);
    }
    if (answer.follow_ups.length) {
      var next = el("div", "", "casepilot-follow-ups"), ul2 = el("ul");
      next.appendChild(el("h3", "You could ask next"));
      answer.follow_ups.forEach(function (q) {
        var li = el("li"), b = el("button", q, "button secondary");
        b.type = "button";
        b.addEventListener("click", function () { ask(q); });
        li.appendChild(b); ul2.appendChild(li);
      });
      next.appendChild(ul2); turn.appendChild(next);
    }
    form.elements.conversation_id.value = answer.conversation_id;
    var label = form.querySelector("label[for=field-question]");
    if (label) label.textContent = label.textContent.replace("Your question", "Ask a follow-up question");
  }

  function refuse(turn, problem) {
    var box = el("div", "", "notice casepilot-limit");
    box.setAttribute("role", "alert");
    box.appendChild(el("p", problem.detail || "CasePilot could not answer."));
    if (problem.upgrade) {
      var a = el("a", "See the plans"); a.href = problem.upgrade; box.appendChild(a);
    }
    turn.replaceChild(box, turn.querySelector(".casepilot-answer"));
  }

  function left(count) {
    var shown = document.getElementById("casepilot-remaining");
    if (count === null) return;
    if (!shown) {
      shown = el("span", "", "muted"); shown.id = "casepilot-remaining";
      form.querySelector(".casepilot-actions").appendChild(shown);
    }
    shown.textContent = count + (count === "1" ? " question" : " questions") + " left this month";
  }

  function ask(question) {
    var body = { question: question };
    if (field("conversation_id")) body.conversation_id = field("conversation_id");
    if (field("system") && field("code")) body.context_code = { system: field("system"), code: field("code") };
    var turn = el("article", "", "casepilot-turn");
    turn.appendChild(el("h2", question, "casepilot-question"));
    var live = el("div", "", "casepilot-answer"); live.appendChild(el("p"));
    turn.appendChild(live); thread.appendChild(turn);
    say("CasePilot is answering.");
    var text = "";
    return fetch("/v1/assistant/ask/stream", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": field("csrf_token") },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) return response.json().then(function (p) { refuse(turn, p); say(p.detail || ""); });
      left(response.headers.get("X-Questions-Remaining"));
      var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
      function pump() {
        return reader.read().then(function (chunk) {
          buffer += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
          var blocks = buffer.split("\n\n"); buffer = blocks.pop();
          blocks.forEach(function (block) {
            var kind = /^event: (.*)$/m.exec(block), data = /^data: (.*)$/m.exec(block);
            if (!kind || !data) return;
            var value = JSON.parse(data[1]);
            if (kind[1] === "text") { text += value.text; live.firstChild.textContent = text; }
            else if (kind[1] === "final") { finish(turn, value); say("CasePilot answered."); }
            else { refuse(turn, value); say(value.detail || ""); }
          });
          return chunk.done ? null : pump();
        });
      }
      return pump();
    }).catch(function () {
      refuse(turn, { detail: "CasePilot is not answering right now. Please try again in a moment." });
    });
  }

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (target !== form && !target.classList.contains("casepilot-follow-ups")) return;
    var question = target === form ? form.elements.question.value.trim()
      : (event.submitter && event.submitter.value) || "";
    if (!question) return;
    event.preventDefault();
    if (target === form) form.elements.question.value = "";
    ask(question).then(function () { form.elements.question.focus(); });
  });
})();
