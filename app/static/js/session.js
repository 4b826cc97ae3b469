// The session's time limit (WCAG 2.2.1 Timing Adjustable), on every signed-in page (templates/base.html).
//
// The server ends a session after some minutes without a request (app/auth/sessions.py). Some minutes before,
// this asks the server how long is left (another tab may have been active meanwhile: asking is not activity)
// and, if the end is still near, opens the dialog: "Stay signed in" (a POST that starts the idle time again
// and answers with the new deadline) or "Log out". Tabs share the latest deadline through localStorage, so
// activity in one closes the warning in the others.
//
// Nothing typed is lost. When the time runs out, the changed fields of the page's forms (never passwords,
// CSRF tokens or files) are kept in this tab's sessionStorage with the page's address, and the tab goes to
// the log-in page, which brings the person back to the same page; there the fields are put back, with a
// notice. A form sent after the session ended on the server (a sleeping laptop, a throttled background tab)
// is kept too: each submission is saved as "sent", dropped when the next page is a signed-in one (the server
// had it), kept when the next page is the log-in page (the server refused it).
(function () {
  "use strict";
  var DRAFT = "prizejury.draft";
  var SHARED = "prizejury.session";
  var SKIPPED_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];
  var dialog = document.getElementById("session-warning");

  function here() {
    return window.location.pathname + window.location.search;
  }

  function read(storage, key) {
    try {
      return JSON.parse(storage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(storage, key, value) {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused (private browsing): the session still works, the draft is not kept.
    }
  }

  // --- Drafts: what was typed in the page's forms -------------------------------------------------------

  function postForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form.method === "post" && !(dialog && dialog.contains(form));
    });
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      return el.name && el.name !== "csrf_token" && SKIPPED_TYPES.indexOf(type) === -1 && !el.disabled;
    });
  }

  function stateOf(el) {
    if (el.type === "checkbox" || el.type === "radio") {
      return { name: el.name, checked: el.checked, changed: el.checked !== el.defaultChecked };
    }
    if (el.tagName === "SELECT") {
      var options = Array.prototype.slice.call(el.options);
      return {
        name: el.name,
        selected: options.map(function (option) { return option.selected; }),
        changed: options.some(function (option) { return option.selected !== option.defaultSelected; }),
      };
    }
    return { name: el.name, value: el.value, changed: el.value !== el.defaultValue };
  }

  function draftOf(forms, state) {
    var all = postForms();
    var saved = [];
    forms.forEach(function (form) {
      var fields = fieldsOf(form).map(stateOf);
      if (fields.some(function (field) { return field.changed; })) {
        saved.push({ index: all.indexOf(form), action: form.getAttribute("action") || "", fields: fields });
      }
    });
    if (!saved.length) return null;
    return { user: dialog.getAttribute("data-user"), path: here(), state: state, forms: saved };
  }

  function restore(draft) {
    var all = postForms();
    var restored = false;
    draft.forms.forEach(function (saved) {
      var form = all[saved.index];
      if (!form || (form.getAttribute("action") || "") !== saved.action) return;
      var elements = fieldsOf(form);
      saved.fields.forEach(function (field, position) {
        var el = elements[position];
        if (!el || el.name !== field.name) return; // the form changed meanwhile: leave that field alone
        if ("checked" in field) el.checked = field.checked;
        else if ("selected" in field) {
          Array.prototype.forEach.call(el.options, function (option, i) { option.selected = !!field.selected[i]; });
        } else el.value = field.value;
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
        restored = true;
      });
    });
    var notice = document.querySelector("[data-draft-notice]");
    if (restored && notice) {
      notice.textContent = notice.getAttribute("data-message");
      notice.className = "alert alert-info";
      notice.focus();
    }
  }

  var draft = read(window.sessionStorage, DRAFT);
  if (draft) {
    if (!dialog) {
      // Signed out: a form sent just before went to the log-in page, so the server did not take it.
      if (draft.state === "sent") write(window.sessionStorage, DRAFT, Object.assign(draft, { state: "kept" }));
    } else if (draft.user !== dialog.getAttribute("data-user") || draft.state === "sent") {
      write(window.sessionStorage, DRAFT, null); // someone else's, or a form the server took
    } else if (draft.path === here()) {
      write(window.sessionStorage, DRAFT, null);
      restore(draft);
    }
  }
  if (!dialog || !window.fetch || typeof dialog.showModal !== "function") return;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method !== "post" || dialog.contains(form)) return;
    var sent = draftOf([form], "sent");
    if (sent) write(window.sessionStorage, DRAFT, sent);
  });

  // --- The deadline, the warning, the end -----------------------------------------------------------------

  var user = dialog.getAttribute("data-user");
  var warning = parseFloat(dialog.getAttribute("data-warning")) * 1000;
  var deadline = 0;
  var timer = null;
  var ticker = null;
  var returnFocus = null;
  var when = dialog.querySelectorAll("[data-session-when]");
  var stay = dialog.querySelector("[data-session-stay]");
  var close = dialog.querySelector("[data-session-close]");
  var relative = window.Intl && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" })
    : null;

  function setDeadline(clock) {
    deadline = Date.now() + clock.expires_in * 1000;
    dialog.setAttribute("data-extendable", clock.extendable ? "true" : "false");
    write(window.localStorage, SHARED, { user: user, deadline: deadline, extendable: clock.extendable });
    schedule();
  }

  function schedule() {
    window.clearTimeout(timer);
    var left = deadline - Date.now();
    if (dialog.open && left > warning) hide();
    timer = window.setTimeout(left > warning ? beforeWarning : atDeadline, Math.max(0, left > warning ? left - warning : left));
  }

  function ask(url, options) {
    return window.fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options))
      .then(function (response) {
        return response.ok ? response.json() : { signed_in: false };
      });
  }

  function status() {
    return ask(dialog.getAttribute("data-status-url"));
  }

  function beforeWarning() {
    status().then(function (clock) {
      if (!clock.signed_in) return expire();
      if (clock.expires_in * 1000 > warning + 1000) return setDeadline(clock); // another tab was active
      deadline = Date.now() + clock.expires_in * 1000;
      show(clock.extendable);
      schedule();
    }).catch(function () { show(dialog.getAttribute("data-extendable") === "true"); schedule(); });
  }

  function atDeadline() {
    status().then(function (clock) {
      if (clock.signed_in && clock.expires_in > 0.5) return setDeadline(clock);
      expire();
    }).catch(expire);
  }

  function expire() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    var kept = draftOf(postForms(), "kept");
    if (kept) write(window.sessionStorage, DRAFT, kept);
    window.location.assign(dialog.getAttribute("data-login-url") + "?next=" + encodeURIComponent(here()));
  }

  function tick() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var text = seconds >= 90 || !relative
      ? (relative ? relative.format(Math.round(seconds / 60), "minute") : Math.round(seconds / 60) + " min")
      : relative.format(seconds, "second");
    Array.prototype.forEach.call(when, function (el) { el.textContent = text; });
  }

  function show(extendable) {
    dialog.querySelector("[data-when-extendable]").hidden = !extendable;
    dialog.querySelector("[data-when-final]").hidden = extendable;
    stay.hidden = !extendable;
    close.hidden = extendable;
    tick();
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 5000);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      (extendable ? stay : close).focus();
    }
  }

  function hide() {
    window.clearInterval(ticker);
    if (dialog.open) dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
    returnFocus = null;
  }

  function staySignedIn() {
    ask(dialog.getAttribute("data-refresh-url"), {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": dialog.getAttribute("data-csrf") },
    }).then(function (clock) {
      if (!clock.signed_in) return expire();
      hide();
      setDeadline(clock);
    }).catch(atDeadline);
  }

  stay.addEventListener("click", staySignedIn);
  close.addEventListener("click", hide);
  // Escape: the person is there, which is what "Stay signed in" says.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (dialog.getAttribute("data-extendable") === "true") staySignedIn();
    else hide();
  });
  window.addEventListener("storage", function (event) {
    if (event.key !== SHARED || !event.newValue) return;
    var shared = read(window.localStorage, SHARED);
    if (shared && shared.user === user && shared.deadline > deadline + 1000) {
      deadline = shared.deadline;
      dialog.setAttribute("data-extendable", shared.extendable ? "true" : "false");
      schedule();
    }
  });

  setDeadline({
    expires_in: parseFloat(dialog.getAttribute("data-expires-in")),
    extendable: dialog.getAttribute("data-extendable") === "true",
  });
})();
