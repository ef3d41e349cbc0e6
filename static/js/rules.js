/* The live hints' rules: a mirror of applications/eligibility.py.
 * The server is the authority; tests/vectors/rules.json holds the cases both must agree on. */
(function (root) {
  "use strict";

  var LIMIT = 500;
  var MIN_STAFF = 3;
  var SPECIAL_REASON_MISSING = "勾选特殊岗位时，请写明理由。";
  var TOTAL_NOT_POSITIVE = "岗位总人数必须是正整数。";
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

  function womenShareText(total, women) {
    if (!total || women === null || women === undefined || total <= 0 || women < 0) return "";
    var tenths = Math.floor((women * 1000 * 2 + total) / (total * 2));
    return Math.floor(tenths / 10) + "." + (tenths % 10) + "%";
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
    if (!known) c = check("counts", "人数填写完整", null, "请填写岗位总人数和其中女性人数。", "staff_women");
    else if (total <= 0) c = check("counts", "人数填写完整", false, TOTAL_NOT_POSITIVE, "staff_total");
    else if (women < 0) c = check("counts", "人数填写完整", false, "女性人数不能为负数。", "staff_women");
    else if (women > total)
      c = check("counts", "人数填写完整", false, "女性人数（" + women + "）不能大于岗位总人数（" + total + "）。", "staff_women");
    else c = check("counts", "人数填写完整", true);
    checks.push(c);

    var share = womenShareText(total, women);
    var shareLabel = "女性占60%以上（含60%）";
    if (!valid) checks.push(check("share", shareLabel, null, "填写人数后计算女性占比。", "staff_women"));
    else if (5 * women >= 3 * total) checks.push(check("share", shareLabel, true));
    else
      checks.push(check("share", shareLabel, false,
        "女性占比为" + share + "，未达到60%（" + total + "人的岗位至少需要" + Math.ceil((3 * total) / 5) + "名女性）。",
        "staff_women"));

    var staffLabel = "至少3名工作人员（特殊岗位除外）";
    // Blank means what countChars means: nothing but White_Space (so U+3000 and U+00A0 too).
    var hasReason = countChars(input.specialReason) > 0;
    if (input.specialPost && !hasReason)
      checks.push(check("staff", staffLabel, false, SPECIAL_REASON_MISSING, "special_reason"));
    else if (total === null || total === undefined)
      checks.push(check("staff", staffLabel, null, "请填写岗位总人数。", "staff_total"));
    else if (total <= 0) checks.push(check("staff", staffLabel, null, TOTAL_NOT_POSITIVE, "staff_total"));
    else if (total >= MIN_STAFF || input.specialPost) checks.push(check("staff", staffLabel, true));
    else
      checks.push(check("staff", staffLabel, false,
        "岗位只有" + total + "名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。", "staff_total"));

    var genders = input.leaderGenders || [];
    var leaderLabel = "负责人中至少有1名女性";
    if (genders.length === 0) checks.push(check("leader", leaderLabel, null, "请至少填写1名岗位负责人。", "leaders"));
    else if (genders.indexOf("F") >= 0) checks.push(check("leader", leaderLabel, true));
    else checks.push(check("leader", leaderLabel, false, "岗位负责人中至少要有1名女性。", "leaders"));

    return { checks: checks, womenShare: share, ok: checks.every(function (x) { return x.ok === true; }) };
  }

  function achievementsError(text) {
    var n = countChars(text);
    if (n === 0) return "请填写主要事迹。";
    if (n > LIMIT) return "主要事迹限" + LIMIT + "字以内，当前" + n + "字（不计空格和换行），请删减" + (n - LIMIT) + "字。";
    return "";
  }

  root.GangweiRules = {
    LIMIT: LIMIT,
    countChars: countChars,
    countWords: countWords,
    womenShareText: womenShareText,
    parseInteger: parseInteger,
    evaluate: evaluate,
    achievementsError: achievementsError,
  };
})(window);
