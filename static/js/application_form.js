/* The 附件1 form in the browser: live counter, 女性占比, checklist, rows, and a local copy of
 * everything typed, so that an expired session or a refused save never loses the clerk's work. */
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;
  var R = window.GangweiRules;

  function field(name) { return form.elements.namedItem(name); }
  // As Django's IntegerField reads it; null for blank and for what it would refuse.
  function intOrNull(el) { return el ? R.parseInteger(el.value) : null; }

  /* ---- rows (岗位负责人, 曾获荣誉) ---- */
  // A closed window shows the form read-only (no add button); restored rows are read-only too.
  var readOnly = form.hasAttribute("data-read-only");
  function addRow(box) {
    var prefix = box.getAttribute("data-rows");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var body = box.querySelector(".rows-body");
    var tpl = box.querySelector("template[data-row-template]");
    var index = Number(total.value);
    body.insertAdjacentHTML("beforeend", tpl.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var row = body.lastElementChild;
    if (readOnly) {
      row.querySelectorAll("input, textarea").forEach(function (el) { el.readOnly = true; });
      row.querySelectorAll("select, [data-delete]").forEach(function (el) { el.disabled = true; });
    }
    return row;
  }
  function setupRows(box) {
    var add = box.querySelector("[data-add-row]");
    if (add) add.addEventListener("click", function () {
      var first = addRow(box).querySelector("input, select");
      if (first) first.focus();
      refresh();
    });
    box.addEventListener("change", function (e) {
      if (e.target.matches("[data-delete]")) {
        e.target.closest("[data-row]").classList.toggle("row-deleted", e.target.checked);
        refresh();
      }
    });
    box.querySelectorAll("[data-delete]:checked").forEach(function (cb) {
      cb.closest("[data-row]").classList.add("row-deleted");
    });
  }
  form.querySelectorAll("[data-rows]").forEach(setupRows);

  function leaderGenders() {
    var out = [];
    form.querySelectorAll('[data-rows="leaders"] [data-row]').forEach(function (row) {
      var del = row.querySelector("[data-delete]");
      if (del && del.checked) return;
      var inputs = row.querySelectorAll("input[type=text], input:not([type]), select");
      var filled = Array.prototype.some.call(inputs, function (el) { return el.value.trim() !== ""; });
      if (!filled) return;
      var gender = row.querySelector('select[name$="-gender"]');
      out.push(gender ? gender.value : "");
    });
    return out;
  }

  /* ---- live hints ---- */
  var shareOut = document.getElementById("women-share");
  var counter = document.getElementById("achievements-counter");
  var checklist = document.getElementById("checklist");
  var reasonWrap = document.getElementById("special-reason-wrap");

  function mark(code, ok, message) {
    var li = checklist.querySelector('[data-check="' + code + '"]');
    if (!li) return;
    li.classList.remove("pass", "fail", "pending");
    li.classList.add(ok === true ? "pass" : ok === false ? "fail" : "pending");
    li.setAttribute("title", message || "");
    var hint = li.querySelector(".check-hint");
    if (!hint) { hint = document.createElement("div"); hint.className = "check-hint"; li.appendChild(hint); }
    hint.textContent = ok === true ? "" : message || "";
  }

  function refresh() {
    var special = field("is_special_post");
    var result = R.evaluate({
      total: intOrNull(field("staff_total")),
      women: intOrNull(field("staff_women")),
      specialPost: special ? special.checked : false,
      specialReason: field("special_reason") ? field("special_reason").value : "",
      leaderGenders: leaderGenders(),
    });
    shareOut.textContent = result.womenShare || "—";
    result.checks.forEach(function (c) { mark(c.code, c.ok, c.message); });
    // What the server's number fields would refuse, in their words, before any rule of the notice.
    var typed = ["staff_total", "staff_women"].map(function (name) {
      return field(name) ? R.countError(name, field(name).value) : "";
    }).filter(Boolean);
    if (typed.length) mark("counts", false, typed.join(""));
    if (reasonWrap && special) reasonWrap.classList.toggle("d-none", !special.checked);

    var text = field("achievements").value;
    var n = R.countChars(text);
    counter.querySelector("[data-count]").textContent = String(n);
    counter.querySelector("[data-word-count]").textContent = String(R.countWords(text));
    counter.classList.toggle("over", n > R.LIMIT);
    var err = R.achievementsError(text);
    mark("achievements", n === 0 ? null : err === "", err);
  }

  /* ---- local copy of what was typed ---- */
  var storageKey = "gangwei:form:" + form.getAttribute("data-storage-key");
  var newKey = "gangwei:form:" + form.getAttribute("data-new-storage-key");
  var serverSaved = form.getAttribute("data-server-saved") === "true";
  var SKIP = { csrfmiddlewaretoken: 1, version: 1, draft: 1, submit: 1 };

  function snapshot() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox") out[el.name] = el.checked ? "on" : "";
      else if (el.type === "radio") { if (el.checked) out[el.name] = el.value; else if (!(el.name in out)) out[el.name] = ""; }
      else out[el.name] = el.value;
    });
    return out;
  }
  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (k) { return (a[k] || "") === (b[k] || ""); });
  }
  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write() {
    try { window.localStorage.setItem(storageKey, JSON.stringify({ at: new Date().toISOString(), fields: snapshot() })); }
    catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function ensureRows(fields) {
    form.querySelectorAll("[data-rows]").forEach(function (box) {
      var prefix = box.getAttribute("data-rows");
      var want = Number(fields[prefix + "-TOTAL_FORMS"] || 0);
      var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      while (Number(total.value) < want) addRow(box);
    });
  }
  function restore(fields) {
    ensureRows(fields);
    Object.keys(fields).forEach(function (name) {
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      els.forEach(function (el) {
        if (el.type === "checkbox") el.checked = fields[name] === "on";
        else if (el.type === "radio") el.checked = el.value === fields[name];
        else if (name.slice(-12) !== "-TOTAL_FORMS" && name.slice(-14) !== "-INITIAL_FORMS") el.value = fields[name];
      });
    });
    form.querySelectorAll("[data-delete]").forEach(function (cb) {
      cb.closest("[data-row]").classList.toggle("row-deleted", cb.checked);
    });
    refresh();
  }

  var stored = read(storageKey);
  var current = snapshot();
  // The page of an existing application showing what was typed on the new form: the server holds
  // it as a draft now, so the new form's copy is done with (whether or not the submit was accepted).
  var fresh = read(newKey);
  if (newKey !== storageKey && fresh && same(fresh.fields, current)) window.localStorage.removeItem(newKey);
  if (stored && same(stored.fields, current)) {
    if (serverSaved) window.localStorage.removeItem(storageKey);
  } else if (stored) {
    var banner = document.getElementById("restore-banner");
    banner.querySelector("[data-restore-time]").textContent = R.formatDateTime(stored.at);
    banner.classList.remove("d-none");
    banner.querySelector("[data-restore]").addEventListener("click", function () {
      restore(stored.fields); banner.classList.add("d-none"); write();
    });
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      window.localStorage.removeItem(storageKey); banner.classList.add("d-none");
    });
  }

  var timer = null;
  function onEdit() {
    refresh();
    window.clearTimeout(timer);
    timer = window.setTimeout(write, 300);
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  /* ---- one submission at a time ---- */
  var sending = false;
  form.addEventListener("submit", function (e) {
    if (sending) { e.preventDefault(); return; }
    write();
    try { window.sessionStorage.setItem("gangwei:pending", form.getAttribute("data-storage-key")); } catch (err) { /* ignore */ }
    sending = true;
    window.setTimeout(function () { sending = false; }, 8000);
  });

  refresh();
})();
