// Preloaded into a CLI run (node --require): appends to $VEP_LOCALE_LOG every use of ICU (the Intl
// constructors and the locale-dependent string, number and date methods) and every `new Function`,
// one line each with where it came from. A synth needs neither: starting ICU costs about 30 ms, a
// locale-dependent order makes output differ between machines, and code made by `new Function`
// escapes the V8 code cache.
"use strict";
const { appendFileSync } = require("node:fs");
const file = process.env.VEP_LOCALE_LOG;
if (file) {
  const log = (what) => appendFileSync(file, `${what} ${(new Error().stack ?? "").split("\n").slice(3, 6).map((l) => l.trim()).join(" < ")}\n`);
  const trap = (target, what) => new Proxy(target, { construct: (t, a) => (log(what), new t(...a)), apply: (t, self, a) => (log(what), Reflect.apply(t, self, a)) });
  for (const k of ["Collator", "DateTimeFormat", "DisplayNames", "ListFormat", "Locale", "NumberFormat", "PluralRules", "RelativeTimeFormat", "Segmenter"]) Intl[k] = trap(Intl[k], `Intl.${k}`);
  const methods = [
    [String.prototype, "localeCompare"],
    [String.prototype, "toLocaleLowerCase"],
    [String.prototype, "toLocaleUpperCase"],
    [Number.prototype, "toLocaleString"],
    [Array.prototype, "toLocaleString"],
    [Date.prototype, "toLocaleString"],
    [Date.prototype, "toLocaleDateString"],
    [Date.prototype, "toLocaleTimeString"],
  ];
  for (const [proto, name] of methods) proto[name] = trap(proto[name], name);
  globalThis.Function = trap(Function, "new Function");
}
