/* Answering a theme page without losing what is typed. Progressive enhancement: without
   JavaScript the page is an ordinary form that saves when a button is pressed.

   - A draft of unsaved input is kept in this browser (localStorage, under a key the server
     derives from the private link: never the link itself) and restored after a reload or a
     crash, with a notice and a button to discard it.
   - Leaving the page with unsaved changes asks first (beforeunload).
   - Each changed criterion is saved a few seconds after typing stops, through the same
     conflict-checked save as the form: the request carries the fingerprint of the answer the
     page started from, and a colleague's newer answer is never overwritten (the conflict is
     shown beside the criterion; the page's save button then shows both).
   - Each evidence field counts its characters; screen readers hear it politely, only when
     the count crosses a threshold (nearly full, over the limit, back within it). */
(function () {
  "use strict";

  var form = document.getElementById("ThemeForm");
  if (!form || !window.fetch || !window.FormData || !window.Promise) {
    return;
  }
  var AUTOSAVE_MS = Number(form.getAttribute("data-autosave-ms")) || 3000;
  var DRAFT_MS = 300;
  var MAX = Number(form.getAttribute("data-max-evidence")) || 5000;
  var posted = form.hasAttribute("data-posted"); // the server's answer to this form
  var draftKey = "assessor-draft:" + form.getAttribute("data-draft-key");
  // What the script says, in the page's language (the page gives it, translated; English if
  // it does not). {name} in a message is filled in by say().
  var MESSAGES = {
    restored: "Restored what you typed but had not saved ({codes}), kept in this browser " +
      "since your last visit. Check it, then save, or discard it.",
    discard: "Discard what was restored",
    discarded: "Discarded what was restored: the page shows the saved answers.",
    offline: "Not saved automatically: the service could not be reached. What you typed is " +
      "kept in this browser; save the page when you are back online.",
    saved: "Saved automatically at {time}.",
    notSaved: "Not saved: {reason}",
    expired: "Not saved automatically (the page may have been open too long). What you typed " +
      "is kept in this browser: save the page.",
    count: "{count} of {max} characters",
    tooMany: "{count} of {max} characters: {over} too many",
    over: "The evidence is {over} characters over the limit of {max}.",
    left: "{left} characters left in the evidence.",
    within: "The evidence is within the limit again.",
    hintKept: "Every question is optional. An answer you change is saved a few seconds after " +
      "you stop typing, and when you press a save button; until then it is kept in this browser.",
    hint: "Every question is optional. An answer you change is saved a few seconds after you " +
      "stop typing, and when you press a save button."
  };
  var given = document.getElementById("AnsweringMessages");
  if (given) {
    try {
      var translated = JSON.parse(given.textContent);
      Object.keys(translated).forEach(function (key) {
        MESSAGES[key] = translated[key];
      });
    } catch (ignored) {
      // keep the English
    }
  }
  var LANG = document.documentElement.lang || "en";

  function message(key, values) {
    return MESSAGES[key].replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }
  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(draftKey);
  } catch (e) {
    storage = null; // storage switched off: no drafts, the rest still works
  }

  var criteria = [];
  var byId = {};
  var leaving = false;
  var draftTimer = null;

  function values(c) {
    var level = "";
    for (var i = 0; i < c.radios.length; i++) {
      if (c.radios[i].checked) {
        level = c.radios[i].value;
      }
    }
    return { level: level, evidence: c.evidence ? c.evidence.value : "" };
  }

  function setValues(c, v) {
    for (var i = 0; i < c.radios.length; i++) {
      c.radios[i].checked = c.radios[i].value === v.level;
    }
    if (c.evidence) {
      c.evidence.value = v.evidence;
      count(c, true);
    }
  }

  function same(a, b) {
    return a.level === b.level && a.evidence === b.evidence;
  }

  function dirty(c) {
    return c.unsaved || !same(values(c), c.base);
  }

  function say(c, text, isError) {
    c.status.textContent = text;
    c.status.className = "autosave-status" + (isError ? " autosave-error" : "");
  }

  // -- the draft in this browser ---------------------------------------------------------

  function readDraft() {
    if (!storage) {
      return null;
    }
    try {
      var draft = JSON.parse(storage.getItem(draftKey) || "null");
      return draft && typeof draft.criteria === "object" ? draft : null;
    } catch (e) {
      return null;
    }
  }

  function writeDraft(submitted) {
    if (!storage) {
      return;
    }
    var entries = {};
    var any = false;
    criteria.forEach(function (c) {
      if (dirty(c)) {
        var v = values(c);
        entries[c.id] = {
          level: v.level,
          evidence: v.evidence,
          base: c.saved.value,
          submitted: !!submitted,
        };
        any = true;
      }
    });
    try {
      if (any) {
        storage.setItem(draftKey, JSON.stringify({ when: Date.now(), criteria: entries }));
      } else {
        storage.removeItem(draftKey);
      }
    } catch (e) {
      /* storage full or refused: the page still saves */
    }
  }

  function writeDraftSoon() {
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(writeDraft, DRAFT_MS);
  }

  function restoreDraft() {
    var draft = readDraft();
    var restored = [];
    if (draft) {
      Object.keys(draft.criteria).forEach(function (id) {
        var c = byId[id];
        var entry = draft.criteria[id];
        if (!c || !entry || same(entry, values(c))) {
          return; // nothing to bring back (kept below if still unsaved)
        }
        // A submitted draft is on this page already when the page is the answer to it (as
        // the server cleaned it), and was saved when the answer changed on the server since
        // (a conflict or an error would have been shown, writing a new draft).
        if (entry.submitted && (posted || entry.base !== c.saved.value)) {
          return;
        }
        c.restoredFrom = { values: values(c), saved: c.saved.value };
        setValues(c, { level: entry.level || "", evidence: entry.evidence || "" });
        // Saved later, it is checked against the answer the draft was typed over.
        c.saved.value = entry.base || c.saved.value;
        restored.push(c);
      });
    }
    writeDraft();
    if (restored.length) {
      restoreNotice(restored);
    }
  }

  function restoreNotice(restored) {
    var notice = document.createElement("div");
    notice.className = "notice notice-warning draft-notice";
    notice.id = "DraftNotice";
    notice.setAttribute("role", "status");
    var p = document.createElement("p");
    var codes = restored.map(function (c) {
      return c.code;
    });
    p.textContent = message("restored", { codes: codes.join(", ") });
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button button-secondary";
    discard.textContent = message("discard");
    discard.addEventListener("click", function () {
      restored.forEach(function (c) {
        window.clearTimeout(c.timer);
        setValues(c, c.restoredFrom.values);
        c.saved.value = c.restoredFrom.saved;
        c.restoredFrom = null;
      });
      writeDraft();
      p.textContent = message("discarded");
      notice.removeChild(discard);
    });
    notice.appendChild(p);
    notice.appendChild(discard);
    form.parentNode.insertBefore(notice, form);
  }

  // -- saving one criterion ---------------------------------------------------------------

  function schedule(c) {
    window.clearTimeout(c.timer);
    if (c.conflict) {
      return; // settled by saving the page, which shows both answers
    }
    c.timer = window.setTimeout(function () {
      autosave(c);
    }, AUTOSAVE_MS);
  }

  function autosave(c) {
    if (leaving || c.conflict || !dirty(c)) {
      return c.inFlight || Promise.resolve();
    }
    if (c.inFlight) {
      c.again = true;
      return c.inFlight;
    }
    var sent = values(c);
    var body = new FormData();
    body.append("csrf_token", form.elements.csrf_token ? form.elements.csrf_token.value : "");
    if (sent.level) {
      body.append(c.id + "-level", sent.level);
    }
    body.append(c.id + "-evidence", sent.evidence);
    body.append(c.id + "-saved", c.saved.value);
    c.inFlight = window
      .fetch(c.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            answered(c, sent, response.status, data);
          });
      })
      .catch(function () {
        say(c, message("offline"), true);
      })
      .then(function () {
        c.inFlight = null;
        writeDraft();
        if (c.again) {
          c.again = false;
          schedule(c);
        }
      });
    return c.inFlight;
  }

  function answered(c, sent, status, data) {
    if (status === 200 && data.status === "saved") {
      c.saved.value = data.fingerprint;
      c.base = sent;
      c.unsaved = false;
      c.restoredFrom = null;
      var time = new Date().toTimeString().slice(0, 5);
      say(c, message("saved", { time: time }), false);
      if (!same(values(c), sent)) {
        c.again = true; // typed on meanwhile
      }
    } else if (status === 409 && data.status === "conflict") {
      c.conflict = true;
      say(c, message("notSaved", { reason: data.message }), true);
    } else if (status === 422 && data.errors) {
      say(c, message("notSaved", { reason: data.errors.join(" ") }), true);
    } else {
      say(c, message("expired"), true);
    }
  }

  // -- the character counter --------------------------------------------------------------

  function format(n) {
    try {
      return n.toLocaleString(LANG);
    } catch (ignored) {
      return n.toLocaleString("en");
    }
  }

  function count(c, quiet) {
    var n = Array.from ? Array.from(c.evidence.value).length : c.evidence.value.length;
    var band = n > MAX ? 2 : n >= MAX * 0.9 ? 1 : 0;
    var numbers = { count: format(n), max: format(MAX), over: format(n - MAX) };
    c.counter.textContent = message(n > MAX ? "tooMany" : "count", numbers);
    c.counter.className = "char-count" + (n > MAX ? " char-count-over" : "");
    if (band !== c.band && !quiet) {
      c.announce.textContent =
        band === 2
          ? message("over", numbers)
          : band === 1
          ? message("left", { left: format(MAX - n) })
          : message("within");
    }
    c.band = band;
  }

  // -- setting up -------------------------------------------------------------------------

  Array.prototype.forEach.call(form.querySelectorAll("[data-criterion]"), function (box) {
    var id = box.getAttribute("data-criterion");
    var c = {
      id: id,
      box: box,
      code: box.getAttribute("data-code") || id,
      url: box.getAttribute("data-autosave"),
      radios: box.querySelectorAll("input[type=radio]"),
      evidence: box.querySelector("textarea"),
      saved: form.elements[id + "-saved"],
      unsaved: box.hasAttribute("data-unsaved") || box.classList.contains("criterion-error"),
      timer: null,
      inFlight: null,
      again: false,
      conflict: false,
      band: 0,
    };
    if (!c.saved || !c.url) {
      return;
    }
    c.base = values(c);
    c.status = document.createElement("p");
    c.status.className = "autosave-status";
    c.status.setAttribute("aria-live", "polite");
    c.status.id = id + "-autosave";
    box.appendChild(c.status);
    if (c.evidence) {
      c.counter = document.createElement("p");
      c.counter.className = "char-count";
      c.counter.id = c.evidence.id + "-count";
      c.announce = document.createElement("p");
      c.announce.className = "visually-hidden";
      c.announce.setAttribute("aria-live", "polite");
      c.evidence.parentNode.insertBefore(c.counter, c.evidence.nextSibling);
      c.evidence.parentNode.insertBefore(c.announce, c.counter.nextSibling);
      var described = c.evidence.getAttribute("aria-describedby");
      c.evidence.setAttribute("aria-describedby", (described ? described + " " : "") + c.counter.id);
      count(c, true);
      c.evidence.addEventListener("input", function () {
        count(c, false);
        changed(c);
      });
    }
    Array.prototype.forEach.call(c.radios, function (radio) {
      radio.addEventListener("change", function () {
        changed(c);
      });
    });
    criteria.push(c);
    byId[id] = c;
  });

  function changed(c) {
    writeDraftSoon();
    schedule(c);
  }

  var hint = document.getElementById("SavingHint");
  if (hint) {
    hint.textContent = message(storage ? "hintKept" : "hint");
  }

  restoreDraft();

  form.addEventListener("submit", function (event) {
    criteria.forEach(function (c) {
      window.clearTimeout(c.timer);
    });
    window.clearTimeout(draftTimer);
    writeDraft(true);
    var pending = criteria
      .map(function (c) {
        return c.inFlight;
      })
      .filter(Boolean);
    if (!pending.length) {
      leaving = true;
      return;
    }
    // An automatic save is on its way: let it finish (and take its new fingerprint), so the
    // page's save does not meet it as someone else's change.
    event.preventDefault();
    var submitter = event.submitter;
    Promise.all(pending).then(function () {
      leaving = true;
      writeDraft(true);
      if (submitter && form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        if (submitter && submitter.name) {
          var extra = document.createElement("input");
          extra.type = "hidden";
          extra.name = submitter.name;
          extra.value = submitter.value;
          form.appendChild(extra);
        }
        form.submit();
      }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    window.clearTimeout(draftTimer);
    writeDraft(leaving);
    if (leaving) {
      return undefined;
    }
    var unsaved = criteria.some(dirty);
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
      return "";
    }
    return undefined;
  });
})();
