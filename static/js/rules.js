/* The live hints' rules: a mirror of applications/eligibility.py.
 * The server is the authority; tests/vectors/rules.json holds the cases both must agree on.
 * Every message comes from the server's catalogue (applications.phrases.RULES), which the page
 * carries as data: <script type="application/json" id="rule-catalogue"> (json_script). */
(function (root) {
  "use strict";

  var source = document.getElementById("rule-catalogue");
  if (!source) throw new Error("rules.js needs the rule catalogue (json_script id=rule-catalogue) on the page");
  var CATALOGUE = JSON.parse(source.textContent);
  var PHRASES = CATALOGUE.phrases;
  var LIMIT = CATALOGUE.limits.achievements;
  var MIN_STAFF = CATALOGUE.limits.minStaff;

  // The catalogue's wording of one rule, {name} placeholders filled (eligibility.rule_message).
  function phrase(key, params) {
    if (!(key in PHRASES)) throw new Error("no phrase " + key);
    return PHRASES[key].replace(/\{(\w+)\}/g, function (all, name) {
      return params && name in params ? String(params[name]) : all;
    });
  }
  // Unicode's White_Space property, the same set as eligibility.WHITESPACE_CLASS.
  var WHITESPACE = "\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var EAST_ASIAN =
    "\\u1100-\\u11ff\\u2e80-\\u2fdf\\u3001-\\u303f\\u3040-\\u30ff\\u3100-\\u312f\\u3130-\\u318f" +
    "\\u3190-\\u31ff\\u3200-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97f\\uac00-\\ud7ff\\uf900-\\ufaff" +
    "\\ufe30-\\ufe4f\\uff00-\\uffef\\u{20000}-\\u{3134f}";
  var WHITESPACE_RE = new RegExp("[" + WHITESPACE + "]", "gu");
  var WORD_RE = new RegExp("[" + EAST_ASIAN + "]|[^" + EAST_ASIAN + WHITESPACE + "]+", "gu");

  // Every non-whitespace Unicode code point (not UTF-16 units: an emoji counts once).
  function countChars(text) {
    return Array.from((text || "").replace(WHITESPACE_RE, "")).length;
  }

  // Word's 字数, for reference: each East Asian character plus each run of other characters.
  function countWords(text) {
    var m = (text || "").match(WORD_RE);
    return m ? m.length : 0;
  }

  // What Django's forms.IntegerField makes of a typed number (None there, null here, for blank
  // and invalid alike): drop a trailing "." + zeros + whitespace (its \.0*\s*$, where \s is
  // Python's str.isspace(): White_Space plus U+001C-U+001F), then Python's int(): White_Space
  // stripped at both ends, an optional sign, decimal digits of any script (full-width ５ too) with
  // single underscores between them, and at most 4300 digits. "1e1", "0x10", "5.5" are not numbers.
  var TRAILING_DECIMAL_RE = new RegExp("\\.0*[" + WHITESPACE + "\\u001c-\\u001f]*$", "u");
  var EDGE_SPACE_RE = new RegExp("^[" + WHITESPACE + "]+|[" + WHITESPACE + "]+$", "gu");
  var INTEGER_RE = /^([+-]?)(\p{Nd}+(?:_\p{Nd}+)*)$/u;
  var DIGIT_RE = /^\p{Nd}$/u;
  var MAX_DIGITS = 4300;

  // Unicode encodes every script's digits 0-9 as one run of consecutive code points.
  function digitValue(ch) {
    var cp = ch.codePointAt(0);
    if (cp < 0x80) return cp - 0x30;
    var below = 0;
    while (DIGIT_RE.test(String.fromCodePoint(cp - below - 1))) below++;
    return below % 10;
  }

  function parseInteger(text) {
    if (text === null || text === undefined) return null;
    var m = INTEGER_RE.exec(String(text).replace(TRAILING_DECIMAL_RE, "").replace(EDGE_SPACE_RE, ""));
    if (!m) return null;
    var digits = Array.from(m[2].replace(/_/g, ""), digitValue).join("");
    if (digits.length > MAX_DIGITS) return null;
    var n = Number(digits);
    return m[1] === "-" && n !== 0 ? -n : n;
  }

  // Integer division of non-negative integers, exact while a < 2^53 (the counts are at most
  // 2147483647, so women * 1000 stays below 2^53): no floating-point quotient is floored.
  function div(a, b) { return (a - (a % b)) / b; }

  // Mirrors eligibility.women_share_text(): floored to one decimal, a note for impossible counts.
  // Mirrors the form's number fields (forms.ApplicationForm, eligibility.COUNT_FIELDS): the
  // field's own error for what was typed, '' for blank and for a number the field accepts.
  function countError(name, text) {
    var rule = CATALOGUE.counts[name];
    if (text === null || text === undefined || text === "") return "";
    var n = parseInteger(text);
    if (n === null) return phrase(rule.invalid);
    if (n < rule.min) return phrase(rule.below);
    if (n > CATALOGUE.limits.maxCount) return phrase(rule.above, { limit: CATALOGUE.limits.maxCount });
    return "";
  }

  function womenShareText(total, women) {
    if (total === null || total === undefined || women === null || women === undefined) return "";
    if (total <= 0) return phrase("share_no_total");
    if (women < 0) return phrase("share_women_negative");
    if (women > total) return phrase("share_women_above_total");
    var tenths = div(women * 1000, total);
    return div(tenths, 10) + "." + (tenths % 10) + "%";
  }

  function check(code, label, ok, message, field) {
    return { code: code, label: label, ok: ok, message: message || "", field: field || "" };
  }

  // Mirrors eligibility.evaluate(): ok is true, false or null (not yet known).
  function evaluate(input) {
    var total = input.total, women = input.women;
    var known = total !== null && total !== undefined && women !== null && women !== undefined;
    var valid = known && total > 0 && women >= 0 && women <= total;
    var checks = [];
    var c;
    var countsLabel = phrase("counts_label");
    if (!known) c = check("counts", countsLabel, null, phrase("counts_missing"), "staff_women");
    else if (total <= 0) c = check("counts", countsLabel, false, phrase("total_not_positive"), "staff_total");
    else if (women < 0) c = check("counts", countsLabel, false, phrase("women_negative"), "staff_women");
    else if (women > total)
      c = check("counts", countsLabel, false, phrase("women_above_total", { women: women, total: total }), "staff_women");
    else c = check("counts", countsLabel, true);
    checks.push(c);

    var share = womenShareText(total, women);
    var shareLabel = phrase("share_label");
    if (!valid) checks.push(check("share", shareLabel, null, phrase("share_pending"), "staff_women"));
    else if (5 * women >= 3 * total) checks.push(check("share", shareLabel, true));
    else
      checks.push(check("share", shareLabel, false,
        phrase("share_too_low", { share: share, total: total, needed: div(3 * total + 4, 5) }), "staff_women"));

    var staffLabel = phrase("staff_label");
    // Blank means what countChars means: nothing but White_Space (so U+3000 and U+00A0 too).
    var hasReason = countChars(input.specialReason) > 0;
    if (input.specialPost && !hasReason)
      checks.push(check("staff", staffLabel, false, phrase("special_reason_missing"), "special_reason"));
    else if (total === null || total === undefined)
      checks.push(check("staff", staffLabel, null, phrase("total_missing"), "staff_total"));
    else if (total <= 0) checks.push(check("staff", staffLabel, null, phrase("total_not_positive"), "staff_total"));
    else if (total >= MIN_STAFF || input.specialPost) checks.push(check("staff", staffLabel, true));
    else checks.push(check("staff", staffLabel, false, phrase("staff_too_few", { total: total }), "staff_total"));

    var genders = input.leaderGenders || [];
    var leaderLabel = phrase("leader_label");
    if (genders.length === 0) checks.push(check("leader", leaderLabel, null, phrase("leader_missing"), "leaders"));
    else if (genders.indexOf("F") >= 0) checks.push(check("leader", leaderLabel, true));
    else checks.push(check("leader", leaderLabel, false, phrase("leader_no_woman"), "leaders"));

    return { checks: checks, womenShare: share, ok: checks.every(function (x) { return x.ok === true; }) };
  }

  function achievementsError(text) {
    var n = countChars(text);
    if (n === 0) return phrase("achievements_missing");
    if (n > LIMIT) return phrase("achievements_too_long", { limit: LIMIT, count: n, over: n - LIMIT });
    return "";
  }

  // A moment as the site writes it (gangwei.dates.format_datetime): 2020年9月20日 23:59:59, in
  // Asia/Shanghai whatever the computer's own time zone.
  var SHANGHAI = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  function formatDateTime(value) {
    var parts = {};
    SHANGHAI.formatToParts(new Date(value)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "年" + Number(parts.month) + "月" + Number(parts.day) + "日 " +
      parts.hour + ":" + parts.minute + ":" + parts.second;
  }

  root.GangweiRules = {
    formatDateTime: formatDateTime,
    countError: countError,
    LIMIT: LIMIT,
    phrase: phrase,
    countChars: countChars,
    countWords: countWords,
    womenShareText: womenShareText,
    parseInteger: parseInteger,
    evaluate: evaluate,
    achievementsError: achievementsError,
  };
})(window);
